"""Client conformance: the official Huawei Cloud Python SDK (`huaweicloudsdkcss`)
drives a running searchplane server end to end.

Each test asserts what a user of the unmodified SDK sees: the typed response
objects the SDK builds, the `ClientRequestException` it raises (HTTP status,
`error_code`, `error_msg`, request id), and, where the SDK would silently coerce
a wrong JSON type (it turns `200` into `"200"` for a `str` field), the raw JSON
body it received (`response.raw_content`).

Configuration comes from the environment (tests/clients/run.sh sets it):
SEARCHPLANE_ENDPOINT (e.g. http://127.0.0.1:9800), SEARCHPLANE_ACCESS_KEY,
SEARCHPLANE_SECRET_KEY, SEARCHPLANE_PROJECT_ID, SEARCHPLANE_ADMIN_TOKEN.
Without SEARCHPLANE_ENDPOINT the module is skipped.
"""

import json
import os
import re
import time
import uuid

import pytest

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig

# v1: everything but cluster creation (v1 CreateCluster posts the discarded
# single-node-type API at /v1.0/{project_id}/clusters).
from huaweicloudsdkcss.v1 import (
    CssClient,
    DeleteClusterRequest,
    ListClustersDetailsRequest,
    ListFlavorsRequest,
    ListImagesRequest,
    RetryUpgradeTaskRequest,
    ShowClusterDetailRequest,
    UpgradeCoreRequest,
    UpgradeDetailRequest,
    UpgradingTheKernelBody,
)

# v2: CreateClusterRequest posts to /v2.0/{project_id}/clusters.
from huaweicloudsdkcss.v2 import CssClient as CssClientV2
from huaweicloudsdkcss.v2 import (
    CreateClusterBody,
    CreateClusterDatastoreBody,
    CreateClusterInstanceNicsBody,
    CreateClusterInstanceVolumeBody,
    CreateClusterReq,
    CreateClusterRequest,
    CreateClusterRolesBody,
)

ENDPOINT = os.environ.get("SEARCHPLANE_ENDPOINT", "")
ACCESS_KEY = os.environ.get("SEARCHPLANE_ACCESS_KEY", "")
SECRET_KEY = os.environ.get("SEARCHPLANE_SECRET_KEY", "")
PROJECT_ID = os.environ.get("SEARCHPLANE_PROJECT_ID", "")
ADMIN_TOKEN = os.environ.get("SEARCHPLANE_ADMIN_TOKEN", "")

if not ENDPOINT:
    pytest.skip(
        "SEARCHPLANE_ENDPOINT is not set (run tests/clients/run.sh)",
        allow_module_level=True,
    )

# One short tag per run keeps cluster names unique across runs on one server.
RUN = uuid.uuid4().hex[:6]

POLL_INTERVAL = 0.2
POLL_TIMEOUT = 60.0

FLAVOR = "ess.spec-4u8g"  # diskrange "40,640" in the default catalog
AZ = "eu-de-01"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
UNKNOWN_CLUSTER = "00000000-0000-4000-8000-000000000000"


# --------------------------------------------------------------------------
# helpers


def cluster_name(label):
    """A valid, unique cluster name: starts with a letter, 4-32 chars."""
    name = "sdk-%s-%s" % (RUN, label)
    assert 4 <= len(name) <= 32, name
    return name


def build_client(client_cls, ak=ACCESS_KEY, sk=SECRET_KEY, project_id=PROJECT_ID):
    config = HttpConfig.get_default_config()
    # Only matters for https endpoints (self-signed test certificates); the
    # SDK keeps an explicit http:// scheme as is.
    config.ignore_ssl_verification = True
    config.timeout = (10, 30)
    return (
        client_cls.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([ENDPOINT])
        .build()
    )


def raw(response):
    """The JSON body exactly as the server sent it."""
    return json.loads(response.raw_content)


def wait_for(what, probe, timeout=POLL_TIMEOUT, interval=POLL_INTERVAL):
    """Call probe() until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            pytest.fail("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def assert_css_error(excinfo, status, code):
    exc = excinfo.value
    assert isinstance(exc, ClientRequestException)
    assert (exc.status_code, exc.error_code) == (status, code), (
        "got %s %s: %s" % (exc.status_code, exc.error_code, exc.error_msg)
    )
    assert isinstance(exc.error_msg, str) and exc.error_msg.strip(), "error_msg is empty"
    # Every response carries X-Request-Id; the SDK surfaces it on the exception.
    assert exc.request_id, "no X-Request-Id on the error response"


def create_request(name, version="7.6.2", engine="elasticsearch", count=3,
                   flavor=FLAVOR, size=40, az=AZ):
    return CreateClusterRequest(
        body=CreateClusterReq(
            cluster=CreateClusterBody(
                name=name,
                datastore=CreateClusterDatastoreBody(version=version, type=engine),
                roles=[
                    CreateClusterRolesBody(
                        flavor_ref=flavor,
                        volume=CreateClusterInstanceVolumeBody(volume_type="COMMON", size=size),
                        type="ess",
                        instance_num=count,
                    )
                ],
                nics=CreateClusterInstanceNicsBody(
                    vpc_id=str(uuid.uuid4()),
                    net_id=str(uuid.uuid4()),
                    security_group_id=str(uuid.uuid4()),
                ),
                availability_zone=az,
            )
        )
    )


def create_cluster(client_v2, name, **kwargs):
    response = client_v2.create_cluster(create_request(name, **kwargs))
    assert response.status_code == 200
    assert response.cluster is not None, "CreateCluster returned no cluster object"
    assert response.cluster.name == name
    assert response.cluster.id, "CreateCluster returned no cluster id"
    return response.cluster.id


def show(client, cluster_id):
    return client.show_cluster_detail(ShowClusterDetailRequest(cluster_id=cluster_id))


def wait_available(client, cluster_id):
    def probe():
        detail = show(client, cluster_id)
        assert detail.status in ("100", "200"), "cluster went to status %r" % detail.status
        return detail if detail.status == "200" and detail.actions == [] else None

    return wait_for("cluster %s to become available" % cluster_id, probe)


def delete_quietly(client, cluster_id):
    try:
        client.delete_cluster(DeleteClusterRequest(cluster_id=cluster_id))
    except Exception:  # best-effort cleanup; the test already has its verdict
        pass


def list_images(client, cluster_id, upgrade_type, **kwargs):
    return client.list_images(
        ListImagesRequest(cluster_id=cluster_id, upgrade_type=upgrade_type, **kwargs)
    )


def list_clusters(client, **kwargs):
    return client.list_clusters_details(ListClustersDetailsRequest(**kwargs))


# --------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def client():
    return build_client(CssClient)


@pytest.fixture(scope="module")
def client_v2():
    return build_client(CssClientV2)


class Cluster:
    def __init__(self, cluster_id, name, detail):
        self.id = cluster_id
        self.name = name
        self.detail = detail


@pytest.fixture(scope="module")
def cluster_762(client, client_v2):
    """A 3-node Elasticsearch 7.6.2 cluster, available."""
    name = cluster_name("es762")
    cluster_id = create_cluster(client_v2, name, version="7.6.2")
    detail = wait_available(client, cluster_id)
    yield Cluster(cluster_id, name, detail)
    delete_quietly(client, cluster_id)


@pytest.fixture(scope="module")
def cluster_7102(client, client_v2):
    """A 3-node Elasticsearch 7.10.2 cluster, available."""
    name = cluster_name("es7102")
    cluster_id = create_cluster(client_v2, name, version="7.10.2")
    detail = wait_available(client, cluster_id)
    yield Cluster(cluster_id, name, detail)
    delete_quietly(client, cluster_id)


# --------------------------------------------------------------------------
# clusters


def test_a_cluster_created_with_the_v2_api_becomes_available_with_three_data_nodes(cluster_762):
    detail = cluster_762.detail
    assert detail.id == cluster_762.id
    assert detail.name == cluster_762.name
    assert detail.status == "200"
    assert detail.datastore.type == "elasticsearch"
    assert detail.datastore.version == "7.6.2"
    assert detail.datastore.sub_version.startswith("7.6.2_"), detail.datastore.sub_version
    assert detail.actions == []
    assert detail.action_progress == {}

    assert len(detail.instances) == 3
    for node in detail.instances:
        assert node.type == "ess"
        assert node.status == "200"
        assert node.spec_code == FLAVOR
        assert node.az_code == AZ
        assert node.id
        assert node.volume.size == 40
    assert sorted(node.name for node in detail.instances) == [
        "%s-ess-esn-%d-1" % (cluster_762.name, n) for n in (1, 2, 3)
    ]


def test_the_cluster_detail_uses_the_documented_json_types(client, cluster_762):
    body = raw(show(client, cluster_762.id))
    # ShowClusterDetail answers the cluster object at the top level.
    assert body["id"] == cluster_762.id
    assert body["status"] == "200"  # a string, not a number
    assert body["actions"] == []
    assert body["actionProgress"] == {}
    assert TIMESTAMP.match(body["created"]), body["created"]
    assert TIMESTAMP.match(body["updated"]), body["updated"]
    assert body["datastore"]["type"] == "elasticsearch"
    assert body["datastore"]["version"] == "7.6.2"
    for node in body["instances"]:
        assert node["status"] == "200"
        assert isinstance(node["volume"]["size"], int)


def test_list_clusters_shows_the_newest_cluster_first_with_the_right_total_size(
    client, client_v2, cluster_762, cluster_7102
):
    before = list_clusters(client, limit=1000).total_size
    name = cluster_name("newest")
    cluster_id = create_cluster(client_v2, name)
    try:
        listing = list_clusters(client, limit=1000)
        assert listing.total_size == before + 1
        assert len(listing.clusters) == listing.total_size
        assert listing.clusters[0].id == cluster_id
        assert listing.clusters[0].name == name
        ids = [c.id for c in listing.clusters]
        assert {cluster_762.id, cluster_7102.id} <= set(ids)
        # newest first: created timestamps never increase down the list
        created = [c.created for c in listing.clusters]
        assert created == sorted(created, reverse=True)

        body = raw(listing)
        assert isinstance(body["totalSize"], int)
        assert all(isinstance(c["status"], str) for c in body["clusters"])

        wait_available(client, cluster_id)  # so that the clean-up delete is allowed
    finally:
        delete_quietly(client, cluster_id)


def test_list_clusters_pages_with_offset_and_limit(client, cluster_762, cluster_7102):
    full = list_clusters(client, limit=1000)
    assert full.total_size >= 2
    ids = [c.id for c in full.clusters]

    # offset is 1-based for ListClusters ("starts from the first cluster")
    first = list_clusters(client, offset=1, limit=1)
    assert first.total_size == full.total_size
    assert [c.id for c in first.clusters] == ids[:1]

    second = list_clusters(client, offset=2, limit=1)
    assert second.total_size == full.total_size
    assert [c.id for c in second.clusters] == ids[1:2]

    two = list_clusters(client, offset=1, limit=2)
    assert [c.id for c in two.clusters] == ids[:2]

    filtered = list_clusters(client, limit=1000, datastore_type="elasticsearch")
    assert {cluster_762.id, cluster_7102.id} <= {c.id for c in filtered.clusters}
    assert all(c.datastore.type == "elasticsearch" for c in filtered.clusters)


def test_creating_a_cluster_with_a_volume_size_outside_the_rules_is_rejected(client_v2):
    # 30 GB is not a multiple of 20 (docs: "common multiple of 4 and 10").
    with pytest.raises(ClientRequestException) as excinfo:
        client_v2.create_cluster(create_request(cluster_name("vol30"), size=30))
    assert excinfo.value.status_code == 400
    assert excinfo.value.error_code.startswith("CSS."), excinfo.value.error_code

    # 660 GB is a multiple of 20 but above the flavor's diskrange "40,640".
    with pytest.raises(ClientRequestException) as excinfo:
        client_v2.create_cluster(create_request(cluster_name("vol660"), size=660))
    assert excinfo.value.status_code == 400
    assert excinfo.value.error_code.startswith("CSS."), excinfo.value.error_code


def test_creating_a_cluster_of_an_unsupported_version_is_rejected(client_v2):
    with pytest.raises(ClientRequestException) as excinfo:
        client_v2.create_cluster(create_request(cluster_name("v551"), version="5.5.1"))
    assert excinfo.value.status_code == 400
    assert excinfo.value.error_code.startswith("CSS."), excinfo.value.error_code


def test_creating_a_cluster_with_a_taken_name_is_rejected(client_v2, cluster_762):
    with pytest.raises(ClientRequestException) as excinfo:
        client_v2.create_cluster(create_request(cluster_762.name))
    exc = excinfo.value
    # The error table has both: 400 CSS.5050 "The cluster name already exists."
    # and 409 CSS.1102 "The instance name already exists."
    assert (exc.status_code, exc.error_code) in {(400, "CSS.5050"), (409, "CSS.1102")}, (
        exc.status_code, exc.error_code, exc.error_msg)


def test_show_cluster_detail_of_an_unknown_cluster_is_404_css_0002(client):
    with pytest.raises(ClientRequestException) as excinfo:
        show(client, UNKNOWN_CLUSTER)
    assert_css_error(excinfo, 404, "CSS.0002")


def test_delete_of_an_unknown_cluster_is_404_css_0002(client):
    with pytest.raises(ClientRequestException) as excinfo:
        client.delete_cluster(DeleteClusterRequest(cluster_id=UNKNOWN_CLUSTER))
    assert_css_error(excinfo, 404, "CSS.0002")


def test_delete_cluster_removes_the_cluster(client, client_v2):
    name = cluster_name("doomed")
    cluster_id = create_cluster(client_v2, name)
    wait_available(client, cluster_id)

    response = client.delete_cluster(DeleteClusterRequest(cluster_id=cluster_id))
    assert response.status_code == 200

    def gone():
        try:
            show(client, cluster_id)
        except ClientRequestException as exc:
            if exc.status_code == 404:
                return exc
            raise
        return None

    exc = wait_for("cluster %s to disappear" % cluster_id, gone, timeout=15)
    assert exc.error_code == "CSS.0002"
    assert cluster_id not in {c.id for c in list_clusters(client, limit=1000).clusters}


# --------------------------------------------------------------------------
# flavors


def test_list_flavors_returns_versions_with_complete_flavors(client):
    response = client.list_flavors(ListFlavorsRequest())
    assert response.versions, "no versions"
    seen = set()
    for version in response.versions:
        assert re.match(r"^\d+\.\d+\.\d+$", version.version), version.version
        assert version.type in ("ess", "ess-cold", "ess-master", "ess-client")
        assert version.flavors, "version %s/%s has no flavors" % (version.version, version.type)
        for flavor in version.flavors:
            assert flavor.name
            assert isinstance(flavor.cpu, int) and flavor.cpu > 0
            assert isinstance(flavor.ram, int) and flavor.ram > 0
            low, high = (int(x) for x in flavor.diskrange.split(","))
            assert 0 < low <= high
            seen.add((version.version, version.type, flavor.name, flavor.diskrange))
    assert ("7.6.2", "ess", FLAVOR, "40,640") in seen

    body = raw(response)
    flavor = body["versions"][0]["flavors"][0]
    assert isinstance(flavor["cpu"], int) and isinstance(flavor["ram"], int)
    assert isinstance(flavor["diskrange"], str)


# --------------------------------------------------------------------------
# ListImages (target images of an upgrade)


def test_cross_version_targets_of_a_7_6_2_cluster_are_one_7_10_2_image(client, cluster_762):
    response = list_images(client, cluster_762.id, "cross")
    assert response.total_size == 1
    assert response.need_upload_upgrade_plugin is False
    assert len(response.image_info_list) == 1
    image = response.image_info_list[0]
    assert image.id
    assert image.datastore_type == "elasticsearch"
    assert image.datastore_version == "7.10.2"
    assert image.display_name.startswith("7.10.2_"), image.display_name
    assert isinstance(image.image_desc, str)

    body = raw(response)
    assert body["needUploadUpgradePlugin"] is False
    assert isinstance(body["totalSize"], int)
    assert isinstance(body["imageInfoList"][0]["priority"], int)
    assert not isinstance(body["imageInfoList"][0]["priority"], bool)


def test_same_version_targets_of_a_cluster_on_the_newest_build_are_empty(client, cluster_762):
    response = list_images(client, cluster_762.id, "same")
    assert response.image_info_list == []
    assert response.total_size == 0
    assert response.need_upload_upgrade_plugin is False


def test_cross_engine_targets_of_a_7_6_2_cluster_are_empty(client, cluster_762):
    response = list_images(client, cluster_762.id, "cross-engine")
    assert response.image_info_list == []
    assert response.total_size == 0


def test_a_7_10_2_cluster_can_move_to_opensearch_1_3_6_but_not_to_another_es_version(
    client, cluster_7102
):
    engine = list_images(client, cluster_7102.id, "cross-engine")
    assert engine.total_size == 1
    assert len(engine.image_info_list) == 1
    image = engine.image_info_list[0]
    assert image.datastore_type == "opensearch"
    assert image.datastore_version == "1.3.6"
    assert image.display_name.startswith("1.3.6_"), image.display_name

    cross = list_images(client, cluster_7102.id, "cross")
    assert cross.image_info_list == []
    assert cross.total_size == 0


def test_list_images_pages_with_offset_and_limit(client, cluster_762):
    full = list_images(client, cluster_762.id, "cross", offset=0, limit=1)
    assert full.total_size == 1 and len(full.image_info_list) == 1

    # totalSize counts before paging
    past_end = list_images(client, cluster_762.id, "cross", offset=1, limit=1)
    assert past_end.image_info_list == []
    assert past_end.total_size == 1


def test_list_images_with_an_unknown_upgrade_type_is_rejected_with_css_0001(client, cluster_762):
    with pytest.raises(ClientRequestException) as excinfo:
        list_images(client, cluster_762.id, "sideways")
    assert_css_error(excinfo, 400, "CSS.0001")


def test_list_images_with_out_of_range_paging_is_rejected_with_css_0001(client, cluster_762):
    for kwargs in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"offset": 1001}):
        with pytest.raises(ClientRequestException) as excinfo:
            list_images(client, cluster_762.id, "cross", **kwargs)
        assert_css_error(excinfo, 400, "CSS.0001")


def test_list_images_of_an_unknown_cluster_is_rejected_with_css_0047(client):
    with pytest.raises(ClientRequestException) as excinfo:
        list_images(client, UNKNOWN_CLUSTER, "cross")
    assert_css_error(excinfo, 400, "CSS.0047")


# --------------------------------------------------------------------------
# upgrade


def test_a_cross_version_upgrade_brings_every_node_to_7_10_2(client, client_v2):
    name = cluster_name("upg")
    cluster_id = create_cluster(client_v2, name, version="7.6.2")
    try:
        wait_available(client, cluster_id)
        target = list_images(client, cluster_id, "cross").image_info_list[0]

        response = client.upgrade_core(
            UpgradeCoreRequest(
                cluster_id=cluster_id,
                inst_type="all",
                body=UpgradingTheKernelBody(
                    target_image_id=target.id,
                    upgrade_type="cross",
                    indices_backup_check=False,
                    agency="css-test-agency",
                    cluster_load_check=True,
                ),
            )
        )
        assert response.status_code == 200

        def finished():
            detail = client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_id))
            if not detail.detail_list:
                return None
            task = detail.detail_list[0]
            assert task.status in ("RUNNING", "SUCCESS"), (
                "task %s went %s" % (task.id, task.status))
            return detail if task.status == "SUCCESS" else None

        detail = wait_for("the upgrade of %s to finish" % cluster_id, finished)
        assert detail.total_size == 1
        task = detail.detail_list[0]
        assert task.id
        assert task.agency_name == "css-test-agency"
        assert task.image_info.id == target.id
        assert task.image_info.datastore_version == "7.10.2"
        node_names = {"%s-ess-esn-%d-1" % (name, n) for n in (1, 2, 3)}
        assert set(task.total_nodes.split(",")) == node_names
        assert set(task.completed_nodes.split(",")) == node_names
        assert TIMESTAMP.match(task.start_time), task.start_time
        assert TIMESTAMP.match(task.end_time), task.end_time

        body = raw(client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_id)))
        wire_task = body["detailList"][0]
        assert wire_task["executeTimes"] == "1"  # a string on the wire
        assert isinstance(wire_task["totalNodes"], str)
        for phase in wire_task.get("currentNodeDetail") or []:
            assert isinstance(phase["order"], int)
            assert phase["status"] in ("WAITING", "RUNNING", "SUCCESS", "FAILED")
            if phase["order"] == 0:
                assert phase["name"] == "Data migration"
            if phase["order"] == 12:
                assert phase["name"] == "Task status update"

        def upgraded():
            cluster = show(client, cluster_id)
            return cluster if cluster.actions == [] and cluster.status == "200" else None

        cluster = wait_for("cluster %s to be released" % cluster_id, upgraded)
        assert cluster.datastore.version == "7.10.2"
        assert cluster.datastore.sub_version == target.display_name
        assert cluster.action_progress == {}
        assert all(node.status == "200" for node in cluster.instances)

        # Now on 7.10.2: no further cross-version target, OpenSearch 1.3.6 is offered.
        assert list_images(client, cluster_id, "cross").total_size == 0
        engine = list_images(client, cluster_id, "cross-engine")
        assert [i.datastore_version for i in engine.image_info_list] == ["1.3.6"]

        # A successful task can be neither retried nor aborted.
        with pytest.raises(ClientRequestException) as excinfo:
            client.retry_upgrade_task(
                RetryUpgradeTaskRequest(cluster_id=cluster_id, action_id=task.id))
        assert 400 <= excinfo.value.status_code < 500
        assert excinfo.value.error_code.startswith("CSS."), excinfo.value.error_code

        with pytest.raises(ClientRequestException) as excinfo:
            client.retry_upgrade_task(RetryUpgradeTaskRequest(
                cluster_id=cluster_id, action_id=task.id, retry_mode="sideways"))
        assert excinfo.value.status_code == 400
    finally:
        delete_quietly(client, cluster_id)


def test_an_upgrade_that_fails_its_pre_checks_is_refused_and_starts_nothing(client, cluster_762):
    """A fresh simulated cluster holds indices but no snapshot, so the backup
    verification (indices_backup_check) fails: 412 CSS.0083 naming the indices."""
    target = list_images(client, cluster_762.id, "cross").image_info_list[0]
    with pytest.raises(ClientRequestException) as excinfo:
        client.upgrade_core(
            UpgradeCoreRequest(
                cluster_id=cluster_762.id,
                inst_type="all",
                body=UpgradingTheKernelBody(
                    target_image_id=target.id,
                    upgrade_type="cross",
                    indices_backup_check=True,
                    agency="css-test-agency",
                ),
            )
        )
    assert_css_error(excinfo, 412, "CSS.0083")

    # An image that is not a current ListImages answer is refused as well.
    with pytest.raises(ClientRequestException) as excinfo:
        client.upgrade_core(
            UpgradeCoreRequest(
                cluster_id=cluster_762.id,
                inst_type="all",
                body=UpgradingTheKernelBody(
                    target_image_id=str(uuid.uuid4()),
                    upgrade_type="cross",
                    indices_backup_check=False,
                    agency="css-test-agency",
                ),
            )
        )
    assert excinfo.value.status_code == 400
    assert excinfo.value.error_code.startswith("CSS."), excinfo.value.error_code

    # Nothing was started: no task, the cluster is idle and still on 7.6.2.
    detail = client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_762.id))
    assert detail.total_size == 0 and detail.detail_list == []
    cluster = show(client, cluster_762.id)
    assert cluster.actions == []
    assert cluster.datastore.version == "7.6.2"


def test_upgrade_detail_of_an_unknown_cluster_is_rejected_with_css_0047(client):
    with pytest.raises(ClientRequestException) as excinfo:
        client.upgrade_detail(UpgradeDetailRequest(cluster_id=UNKNOWN_CLUSTER))
    assert_css_error(excinfo, 400, "CSS.0047")


def test_an_upgrade_detail_of_a_never_upgraded_cluster_is_empty(client, cluster_762):
    detail = client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_762.id))
    assert detail.total_size == 0
    assert detail.detail_list == []


# --------------------------------------------------------------------------
# auth


def test_a_client_with_a_wrong_secret_key_is_rejected_with_apig_0301():
    wrong_sk = ("X" if not SECRET_KEY.startswith("X") else "Y") + SECRET_KEY[1:]
    bad = build_client(CssClient, sk=wrong_sk)
    with pytest.raises(ClientRequestException) as excinfo:
        list_clusters(bad, limit=1)
    assert_css_error(excinfo, 401, "APIG.0301")


def test_a_client_with_an_unknown_access_key_is_rejected_with_apig_0301():
    bad = build_client(CssClient, ak="UNKNOWNAK00000000000")
    with pytest.raises(ClientRequestException) as excinfo:
        list_clusters(bad, limit=1)
    assert_css_error(excinfo, 401, "APIG.0301")


def test_a_credential_used_on_another_project_is_rejected_with_css_0015():
    other = "f" * 32 if PROJECT_ID != "f" * 32 else "e" * 32
    bad = build_client(CssClient, project_id=other)
    with pytest.raises(ClientRequestException) as excinfo:
        list_clusters(bad, limit=1)
    assert_css_error(excinfo, 403, "CSS.0015")


def inject_fault(cluster_id, node, phase, action="fail", times=1):
    """Make a phase fail on a node through the operator API (not part of CSS)."""
    import urllib.request

    body = json.dumps({"clusterId": cluster_id, "node": node, "phase": phase,
                       "action": action, "times": times}).encode()
    request = urllib.request.Request(
        ENDPOINT + "/admin/v1/faults", data=body, method="POST",
        headers={"Authorization": "Bearer " + ADMIN_TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def test_a_failed_upgrade_is_retried_with_the_sdk_and_finishes(client, client_v2):
    name = cluster_name("retry")
    cluster_id = create_cluster(client_v2, name, version="7.6.2")
    try:
        wait_available(client, cluster_id)
        inject_fault(cluster_id, "%s-ess-esn-1-1" % name, phase=5)
        target = list_images(client, cluster_id, "cross").image_info_list[0]
        client.upgrade_core(UpgradeCoreRequest(
            cluster_id=cluster_id, inst_type="all",
            body=UpgradingTheKernelBody(target_image_id=target.id, upgrade_type="cross",
                                        indices_backup_check=False, agency="css-test-agency")))

        def settled():
            detail = client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_id))
            task = detail.detail_list[0] if detail.detail_list else None
            return task if task is not None and task.status != "RUNNING" else None

        task = wait_for("the upgrade to fail", settled)
        assert task.status == "FAILED"
        assert task.completed_nodes == ""
        failed = [p for p in task.current_node_detail if p.status == "FAILED"]
        assert [(p.order, p.name) for p in failed] == [(5, "Plugin installation")]

        client.retry_upgrade_task(RetryUpgradeTaskRequest(cluster_id=cluster_id, action_id=task.id))
        task = wait_for("the retried upgrade to finish", settled)
        assert task.status == "SUCCESS"
        assert raw(client.upgrade_detail(UpgradeDetailRequest(cluster_id=cluster_id)))[
            "detailList"][0]["executeTimes"] == "2"
        assert show(client, cluster_id).datastore.version == "7.10.2"
    finally:
        delete_quietly(client, cluster_id)
