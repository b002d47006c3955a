#!/usr/bin/env python3
"""A loopback HTTPS server with a certificate made on the spot, for courtwatch's TLS tests.

usage: tls_server.py MODE DIR [PROTOCOL]
MODE: valid | expiring | expired | wrong-name | self-signed
PROTOCOL: https (default) | smtps (a greeting, EHLO and QUIT over TLS from the first byte)
Writes DIR/ca.pem (the CA that signed the server certificate; for self-signed, the certificate itself),
prints "PORT <n>" once listening on 127.0.0.1, answers every GET with 200 "Sign in", and exits by itself
after 60 seconds (the test also stops it by PID).
"""
import datetime
import http.server
import os
import socketserver
import signal
import ssl
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate(subject, issuer, key, signing_key, not_before, not_after, san=None, ca=False):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def main():
    # A parent that ignores or blocks SIGTERM (a test runner's worker thread does) passes that on;
    # this server must die when the test stops it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
    mode, folder = sys.argv[1], sys.argv[2]
    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)
    import ipaddress
    san = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    if mode == "wrong-name":
        san = [x509.DNSName("somewhere-else.example.invalid")]
    before, after = now - day, now + 365 * day
    if mode == "expiring":
        after = now + 3 * day + datetime.timedelta(hours=1)
    if mode == "expired":
        before, after = now - 30 * day, now - 2 * day
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate(name("courtwatch test CA"), name("courtwatch test CA"), ca_key, ca_key, now - day, now + 30 * day, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    if mode == "self-signed":
        leaf = certificate(name("127.0.0.1"), name("127.0.0.1"), key, key, before, after, san)
        trusted = None
    else:
        leaf = certificate(name("127.0.0.1"), ca.subject, key, ca_key, before, after, san)
        trusted = ca
    with open(os.path.join(folder, "ca.pem"), "wb") as f:
        f.write((trusted or ca).public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(folder, "server.pem"), "wb") as f:
        f.write(leaf.public_bytes(serialization.Encoding.PEM))
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<p>Sign in</p>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class SMTPHandler(socketserver.StreamRequestHandler):
        def handle(self):
            self.wfile.write(b"220 mx.test ESMTP\r\n")
            for _ in range(20):
                line = self.rfile.readline()
                if not line:
                    return
                verb = line.strip().upper()
                if verb.startswith(b"EHLO"):
                    self.wfile.write(b"250-mx.test\r\n250 SIZE 1000000\r\n")
                elif verb.startswith(b"QUIT"):
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 OK\r\n")

    protocol = sys.argv[3] if len(sys.argv) > 3 else "https"
    if protocol == "smtps":
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    else:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    timer = threading.Timer(60, server.shutdown)
    timer.daemon = True
    timer.start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
