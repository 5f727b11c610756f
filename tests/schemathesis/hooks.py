"""Schemathesis hooks for searchplane (loaded through SCHEMATHESIS_HOOKS by run.sh).

Authentication is added to the final request, exactly as it goes on the wire:

* CSS paths (``/v1.0/…``, ``/v2.0/…``) are signed with AK/SK (``SDK-HMAC-SHA256``, the
  algorithm of the official Huawei Cloud SDKs, see shared DESIGN §7 and crates/sign), or —
  every third request — carry a Keystone token from ``POST /v3/auth/tokens`` instead, so both
  authentication paths are fuzzed;
* operator paths (``/admin/…``) get ``Authorization: Bearer <operator token>``;
* Keystone and ops paths get nothing.

The custom check ``authentication_accepted`` turns a 401 on a request this hook authenticated
into a finding, so a disagreement between this signer and the server (a canonicalisation bug on
either side) cannot hide behind the documented 401.

Credentials come from the environment: SEARCHPLANE_ENDPOINT, SEARCHPLANE_ACCESS_KEY,
SEARCHPLANE_SECRET_KEY, SEARCHPLANE_ADMIN_TOKEN, SEARCHPLANE_USER, SEARCHPLANE_PASSWORD.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import urllib.parse
import urllib.request

import requests
import schemathesis

AK = os.environ["SEARCHPLANE_ACCESS_KEY"]
SK = os.environ["SEARCHPLANE_SECRET_KEY"]
ADMIN_TOKEN = os.environ["SEARCHPLANE_ADMIN_TOKEN"]
ENDPOINT = os.environ["SEARCHPLANE_ENDPOINT"]
USER = os.environ["SEARCHPLANE_USER"]
PASSWORD = os.environ["SEARCHPLANE_PASSWORD"]

MARK = "X-Searchplane-Test-Auth"
_counter = itertools.count()
_token: str | None = None


def _unreserved(b: int) -> bool:
    return chr(b).isascii() and (chr(b).isalnum() or chr(b) in "-_.~")


def _encode(raw: bytes) -> str:
    return "".join(chr(b) if _unreserved(b) else "%{:02X}".format(b) for b in raw)


def canonical_uri(raw_path: str) -> str:
    # The SDK signs the unencoded path: decode, split on "/", encode each segment, end with "/".
    decoded = urllib.parse.unquote_to_bytes(raw_path)
    uri = "/".join(_encode(seg) for seg in decoded.split(b"/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    pairs = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        k = urllib.parse.unquote_to_bytes(key.replace("+", " "))
        v = urllib.parse.unquote_to_bytes(value.replace("+", " "))
        pairs.append((k, v))
    pairs.sort()
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def sign(method: str, url: str, headers: dict[str, str], body: bytes) -> dict[str, str]:
    """The headers that authenticate this request (``X-Sdk-Date``, ``Authorization``)."""
    parts = urllib.parse.urlsplit(url)
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    all_headers = {k.lower(): v for k, v in headers.items()}
    all_headers["host"] = parts.netloc
    all_headers["x-sdk-date"] = date
    signed = sorted(n for n in ("host", "x-sdk-date", "content-type") if n in all_headers)
    canonical = "\n".join(
        [
            method.upper(),
            canonical_uri(parts.path),
            canonical_query(parts.query),
            "".join(f"{n}:{all_headers[n].strip()}\n" for n in signed),
            ";".join(signed),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    to_sign = f"SDK-HMAC-SHA256\n{date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(SK.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Host": parts.netloc,
        "X-Sdk-Date": date,
        "Authorization": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders={';'.join(signed)}, Signature={signature}",
    }


def keystone_token() -> str:
    global _token
    if _token is None:
        body = json.dumps(
            {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {"user": {"name": USER, "password": PASSWORD, "domain": {"name": "Default"}}},
                    }
                }
            }
        ).encode()
        req = urllib.request.Request(
            f"{ENDPOINT}/v3/auth/tokens", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            _token = resp.headers["X-Subject-Token"]
    return _token


class SearchplaneAuth(requests.auth.AuthBase):
    """Authenticates the prepared request: its final method, URL, headers and body."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        path = urllib.parse.urlsplit(r.url).path
        for name in ("Authorization", "X-Sdk-Date", "X-Auth-Token", MARK):
            r.headers.pop(name, None)
        if path.startswith(("/v1.0/", "/v2.0/")):
            if next(_counter) % 3 == 2:
                r.headers["X-Auth-Token"] = keystone_token()
                r.headers[MARK] = "token"
            else:
                body = r.body or b""
                if isinstance(body, str):
                    body = body.encode()
                r.headers.update(sign(r.method, r.url, dict(r.headers), body))
                r.headers[MARK] = "aksk"
        elif path.startswith("/admin/"):
            r.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
            r.headers[MARK] = "operator"
        return r


@schemathesis.hook
def before_call(context, case, kwargs):
    kwargs["auth"] = SearchplaneAuth()


@schemathesis.check
def authentication_accepted(ctx, response, case):
    """A request this hook authenticated must not be refused as unauthenticated."""
    how = response.request.headers.get(MARK)
    if how and response.status_code == 401:
        raise AssertionError(
            f"{how}-authenticated request answered 401: {response.text[:300]} "
            f"({response.request.method} {response.request.url})"
        )
