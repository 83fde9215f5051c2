"""A thin front for fake-gcs-server that completes the XML API the
`object_store` crate's GCS client speaks.

fake-gcs-server answers the XML API's reads (listings, GET, HEAD) but takes
XML PUTs only as signed-URL uploads and has no XML copy or DELETE. This front
passes every request through unchanged except those three, which it maps onto
fake-gcs-server's JSON API (media upload, copyTo, object delete), answering
with the headers the XML API gives (ETag, x-goog-generation).
"""

import http.client
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Hop-by-hop headers a proxy does not forward.
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class GcsFront:
    """Serves on a free loopback port in a thread, in front of `upstream`
    (host:port of fake-gcs-server, which must have it as its public host)."""

    def __init__(self, upstream):
        handler = type("Handler", (_Handler,), {"upstream": upstream})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = ""

    def log_message(self, *args):
        pass

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _object(self):
        """The bucket and object key of an XML API object path."""
        path = urllib.parse.urlsplit(self.path).path
        bucket, _, key = path.lstrip("/").partition("/")
        return urllib.parse.unquote(bucket), urllib.parse.unquote(key)

    def _upstream(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection(self.upstream, timeout=120)
        try:
            connection.request(method, path, body=body, headers={"Host": self.upstream, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _reply(self, status, headers, body, send_body=True):
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_HEADERS and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _forward(self, send_body=True):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS | {"host"}}
        status, reply_headers, body = self._upstream(self.command, self.path, self._body(), headers)
        self._reply(status, reply_headers, body, send_body)

    do_GET = do_POST = _forward

    def do_HEAD(self):
        self._forward(send_body=False)

    def do_PUT(self):
        bucket, key = self._object()
        body = self._body()
        quoted = lambda name: urllib.parse.quote(name, safe="")  # noqa: E731
        source = self.headers.get("x-goog-copy-source")
        if source:
            source_key = urllib.parse.unquote(source).lstrip("/").partition("/")[2]
            path = f"/storage/v1/b/{quoted(bucket)}/o/{quoted(source_key)}/copyTo/b/{quoted(bucket)}/o/{quoted(key)}"
            status, headers, reply = self._upstream("POST", path)
        else:
            query = urllib.parse.urlencode({"uploadType": "media", "name": key})
            content_type = self.headers.get("Content-Type", "application/octet-stream")
            path = f"/upload/storage/v1/b/{quoted(bucket)}/o?{query}"
            status, headers, reply = self._upstream("POST", path, body, {"Content-Type": content_type})
        if status != 200:
            return self._reply(status, headers, reply)
        resource = json.loads(reply)
        etag = resource.get("etag") or resource["md5Hash"]
        self._reply(200, [("ETag", f'"{etag}"'), ("x-goog-generation", str(resource.get("generation", "")))], b"")

    def do_DELETE(self):
        bucket, key = self._object()
        path = f"/storage/v1/b/{urllib.parse.quote(bucket, safe='')}/o/{urllib.parse.quote(key, safe='')}"
        status, headers, reply = self._upstream("DELETE", path)
        self._reply(status, headers, reply)
