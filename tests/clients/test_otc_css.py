"""Client conformance through Keystone: `otcextensions` on `openstacksdk` drives a running
searchplane end to end, authenticated the way OTC users are — a clouds.yaml whose `auth_url`
is searchplane's `/v3`, a password token, the `css` endpoint from the token's catalog, then
`register_otc_extensions`.

Configuration comes from the environment (tests/clients/run.sh sets it): SEARCHPLANE_ENDPOINT,
SEARCHPLANE_PROJECT_ID, SEARCHPLANE_USER, SEARCHPLANE_PASSWORD, SEARCHPLANE_ADMIN_TOKEN (the
operator API injects the faults that make an upgrade fail). Without SEARCHPLANE_ENDPOINT the
module is skipped. Pins and why: tests/clients/requirements-otc.txt.
"""

import os
import time
import uuid

import pytest
import requests

ENDPOINT = os.environ.get("SEARCHPLANE_ENDPOINT", "")
PROJECT_ID = os.environ.get("SEARCHPLANE_PROJECT_ID", "")
USER = os.environ.get("SEARCHPLANE_USER", "")
PASSWORD = os.environ.get("SEARCHPLANE_PASSWORD", "")
ADMIN_TOKEN = os.environ.get("SEARCHPLANE_ADMIN_TOKEN", "")

pytestmark = [
    pytest.mark.skipif(not ENDPOINT, reason="SEARCHPLANE_ENDPOINT is not set (see tests/clients/run.sh)"),
    # openstacksdk's own deprecation notices about its internals (hundreds per run).
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning"),
]

# OTC domain names look like this; searchplane accepts any and echoes it.
DOMAIN = "OTC-EU-DE-00000000001000000001"

CLOUDS_YAML = """\
clouds:
  searchplane:
    auth:
      auth_url: {endpoint}/v3
      username: {user}
      password: {password}
      project_name: eu-de
      user_domain_name: {domain}
      project_domain_name: {domain}
    region_name: eu-de
    interface: public
    identity_api_version: 3
  searchplane-wrong-password:
    auth:
      auth_url: {endpoint}/v3
      username: {user}
      password: not-{password}
      project_name: eu-de
      user_domain_name: {domain}
      project_domain_name: {domain}
    region_name: eu-de
    identity_api_version: 3
"""


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    import openstack
    from otcextensions import sdk

    config = tmp_path_factory.mktemp("otc") / "clouds.yaml"
    config.write_text(
        CLOUDS_YAML.format(endpoint=ENDPOINT, user=USER, password=PASSWORD, domain=DOMAIN)
    )
    old = os.environ.get("OS_CLIENT_CONFIG_FILE")
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(config)
    try:
        connection = openstack.connect(cloud="searchplane")
        sdk.register_otc_extensions(connection)
        yield connection
    finally:
        if old is None:
            os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
        else:
            os.environ["OS_CLIENT_CONFIG_FILE"] = old


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def v1_body(name, version="7.10.2", nodes=3):
    """A v1 (discarded API, one node type) create request, as otcextensions' docs write it."""
    return {
        "name": name,
        "instanceNum": nodes,
        "datastore": {"type": "elasticsearch", "version": version},
        "instance": {
            "flavorRef": "ess.spec-4u8g",
            "volume": {"volume_type": "COMMON", "size": 40},
            "nics": {"vpcId": "vpc-otc", "netId": "net-otc", "securityGroupId": "sg-otc"},
            "availability_zone": "eu-de-01",
        },
    }


def create_available(conn, name, version="7.10.2", nodes=3):
    cluster = conn.css.create_cluster(**v1_body(name, version, nodes))
    assert cluster.id and cluster.name == name
    assert conn.css.wait_for_cluster(cluster.id, timeout=60, wait=0.2) is True
    return cluster


def inject_fault(cluster_id, phase=2):
    """Operator API: phase `phase` fails once on the first node it runs on."""
    r = requests.post(
        f"{ENDPOINT}/admin/v1/faults",
        json={"clusterId": cluster_id, "phase": phase, "action": "fail", "times": 1},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert r.status_code == 201, r.text


def tasks(conn, cluster, **params):
    return list(conn.css.get_cluster_upgrade_status(cluster, **params))


def wait_for_task(conn, cluster, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = tasks(conn, cluster)
        if found and found[0].status in statuses:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no task of {cluster} reached {statuses}: {[t.status for t in found]}")


def failed_upgrade(conn, name):
    """An ES 7.6.2 cluster whose cross upgrade to 7.10.2 failed on its first node."""
    cluster = create_available(conn, name, version="7.6.2")
    targets = conn.css.get_cluster_version_upgrades(cluster, "cross")
    image = targets.image_info_list[0]
    inject_fault(cluster.id)
    conn.css.update_cluster_kernel(
        cluster,
        target_image_id=image.id,
        upgrade_type="cross",
        indices_backup_check=False,
        agency="css-otc-agency",
    )
    task = wait_for_task(conn, cluster, ("FAILED", "PARTIAL_FAILED"))
    return cluster, image, task


def test_the_token_catalog_points_css_at_searchplane(conn):
    assert conn.current_project_id == PROJECT_ID
    assert conn.endpoint_for("css") == f"{ENDPOINT}/v1.0/{PROJECT_ID}"
    assert conn.auth_token


def test_create_wait_get_find_and_delete_a_cluster(conn):
    name = unique("otc-life")
    cluster = create_available(conn, name)
    got = conn.css.get_cluster(cluster.id)
    assert got.name == name
    assert got.status == "AVAILABLE" and got.status_code == 200
    assert got.datastore.type == "elasticsearch" and got.datastore.version == "7.10.2"
    assert len(got.nodes) == 3
    assert {n.type for n in got.nodes} == {"ess"}
    assert got.actions == [] and got.action_progress == {}
    assert conn.css.find_cluster(name).id == cluster.id
    assert conn.css.find_cluster(cluster.id).name == name
    assert conn.css.find_cluster(unique("otc-none")) is None

    conn.css.delete_cluster(cluster)
    assert conn.css.find_cluster(name) is None
    from openstack import exceptions

    with pytest.raises(exceptions.NotFoundException):
        conn.css.get_cluster(cluster.id)
    # Deleting again is fine with ignore_missing (the default) and a 404 without.
    conn.css.delete_cluster(cluster.id)
    with pytest.raises(exceptions.NotFoundException):
        conn.css.delete_cluster(cluster.id, ignore_missing=False)


def test_clusters_pages_with_start_and_limit_newest_first(conn):
    names = [unique(f"otc-page{i}") for i in range(3)]
    for name in names:
        conn.css.create_cluster(**v1_body(name))
    newest_first = list(reversed(names))
    first = [c.name for c in conn.css.clusters(limit=2)]
    second = [c.name for c in conn.css.clusters(start=3, limit=2)]
    assert first == newest_first[:2]
    assert second[0] == newest_first[2]
    assert not set(first) & set(second)
    everything = [c.name for c in conn.css.clusters()]
    assert everything[:3] == newest_first
    for c in conn.css.clusters(limit=3):
        conn.css.wait_for_cluster(c.id, timeout=60, wait=0.2)


def test_flavors(conn):
    flavors = list(conn.css.flavors())
    assert flavors
    names = {f.name for f in flavors}
    assert "ess.spec-4u8g" in names
    for f in flavors:
        assert f.vcpus > 0 and f.ram > 0
        assert f.type in ("ess", "ess-cold", "ess-master", "ess-client")
        lo, hi = (int(x) for x in f.disk_range.split(","))
        assert 0 < lo <= hi


def test_version_upgrades_name_the_cross_target(conn):
    cluster = create_available(conn, unique("otc-targets"), version="7.6.2")
    cross = conn.css.get_cluster_version_upgrades(cluster, "cross")
    assert cross.need_upload_upgrade_plugin is False
    assert [i.datastore_version for i in cross.image_info_list] == ["7.10.2"]
    image = cross.image_info_list[0]
    assert image.datastore_type == "elasticsearch"
    assert image.display_name.startswith("7.10.2_")
    assert image.priority >= 0
    conn.css.delete_cluster(cluster)


def test_a_failed_upgrade_is_retried_to_success(conn):
    cluster, image, task = failed_upgrade(conn, unique("otc-retry"))
    assert task.status == "FAILED"
    assert task.execute_times == "1"
    assert task.image_info.id == image.id
    assert task.current_node_name in task.total_nodes.split(",")
    assert [p.order for p in task.current_node_detail] == list(range(13))
    assert task.current_node_detail[2].status == "FAILED"

    conn.css.retry_cluster_upgrade_job(cluster, task.id)
    done = wait_for_task(conn, cluster, ("SUCCESS",))
    assert done.id == task.id
    assert done.execute_times == "2"
    assert done.completed_nodes.split(",") == done.total_nodes.split(",")
    assert conn.css.wait_for_cluster(cluster, timeout=60, wait=0.2) is True
    assert conn.css.get_cluster(cluster.id).datastore.version == "7.10.2"
    conn.css.delete_cluster(cluster)


def test_a_failed_upgrade_is_terminated_with_abort(conn):
    cluster, _, task = failed_upgrade(conn, unique("otc-abort"))
    conn.css.retry_cluster_upgrade_job(cluster, task.id, retry_mode="abort")
    # The task stays failed; the cluster is released on the version it had.
    assert conn.css.wait_for_cluster(cluster, timeout=60, wait=0.2) is True
    after = tasks(conn, cluster)
    assert [t.status for t in after] == ["FAILED"]
    assert conn.css.get_cluster(cluster.id).datastore.version == "7.6.2"
    from openstack import exceptions

    # Retrying a terminated task is refused with the CSS envelope.
    with pytest.raises(exceptions.BadRequestException) as refused:
        conn.css.retry_cluster_upgrade_job(cluster, task.id)
    assert "CSS.5090" in str(refused.value)
    conn.css.delete_cluster(cluster)


def test_upgrade_status_pages_with_start_limit_and_a_marker_without_looping(conn):
    """get_cluster_upgrade_status sends `start` and `action_node`; given a `limit`, openstacksdk
    pages on by sending `marker=<last id>` until a page comes back empty, and gives up with
    "Endless pagination loop detected" if the server answers the same page twice."""
    cluster, image, first = failed_upgrade(conn, unique("otc-pages"))
    conn.css.retry_cluster_upgrade_job(cluster, first.id, retry_mode="abort")
    conn.css.wait_for_cluster(cluster, timeout=60, wait=0.2)
    inject_fault(cluster.id)
    conn.css.update_cluster_kernel(
        cluster, target_image_id=image.id, upgrade_type="cross", indices_backup_check=False, agency="css-otc-agency"
    )
    second = wait_for_task(conn, cluster, ("FAILED",))
    assert second.id != first.id

    everything = tasks(conn, cluster, start=1, limit=1, action_node="UPGRADING")
    assert [t.id for t in everything] == [second.id, first.id]
    assert [t.id for t in tasks(conn, cluster, start=1, limit=10)] == [second.id, first.id]
    assert [t.id for t in tasks(conn, cluster, start=2, limit=1)] == [first.id]
    assert [t.id for t in tasks(conn, cluster)] == [second.id, first.id]
    conn.css.retry_cluster_upgrade_job(cluster, second.id, retry_mode="abort")
    conn.css.wait_for_cluster(cluster, timeout=60, wait=0.2)
    conn.css.delete_cluster(cluster)


def test_a_wrong_password_is_refused_with_401(conn):
    """The body is the gateway envelope (`APIG.0301`), which keystoneauth does not parse (it
    knows Keystone's `{"error": {...}}`): openstacksdk reports the 401 as an SDKException."""
    import openstack
    from openstack import exceptions

    bad = openstack.connect(cloud="searchplane-wrong-password")
    with pytest.raises(exceptions.SDKException, match="HTTP 401"):
        bad.authorize()
    r = requests.post(
        f"{ENDPOINT}/v3/auth/tokens",
        json={"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": USER, "password": PASSWORD + "-wrong", "domain": {"name": DOMAIN}}}}}},
        timeout=10,
    )
    assert r.status_code == 401
    assert r.json()["error_code"] == "APIG.0301"
