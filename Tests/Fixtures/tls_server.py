#!/usr/bin/env python3
"""A loopback HTTPS server with a certificate made on the spot, for courtwatch's TLS tests.

usage: tls_server.py MODE DIR [PROTOCOL]
MODE: valid | expiring | expired | wrong-name | self-signed
PROTOCOL: https (default) | smtps (a greeting, EHLO and QUIT over TLS from the first byte)
          | smtp-starttls (plain SMTP that offers STARTTLS and takes AUTH and messages only after it;
            each message is saved as DIR/message-N.eml with DIR/envelope-N.json beside it)
          | smtp-no-starttls (plain SMTP that never offers STARTTLS: a client must refuse to send)
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
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.pem"))
    saved = {"count": 0}
    lock = threading.Lock()

    class StartTLSHandler(socketserver.StreamRequestHandler):
        """Submission as a mail server does it: STARTTLS first, then AUTH, MAIL, RCPT, DATA."""
        def handle(self):
            reader, writer = self.rfile, self.wfile
            offer = protocol == "smtp-starttls"
            tls, sender, recipients, login = False, None, [], None
            writer.write(b"220 mx.test ESMTP\r\n")
            for _ in range(50):
                line = reader.readline()
                if not line:
                    return
                verb = line.strip().upper()
                if verb.startswith(b"EHLO") or verb.startswith(b"HELO"):
                    capabilities = [b"mx.test", b"SIZE 1000000"]
                    if offer and not tls:
                        capabilities.append(b"STARTTLS")
                    if tls:
                        capabilities.append(b"AUTH PLAIN")
                    for index, capability in enumerate(capabilities):
                        separator = b" " if index == len(capabilities) - 1 else b"-"
                        writer.write(b"250" + separator + capability + b"\r\n")
                elif verb == b"STARTTLS" and offer and not tls:
                    writer.write(b"220 ready to start TLS\r\n")
                    writer.flush()
                    secured = context.wrap_socket(self.connection, server_side=True)
                    reader, writer = secured.makefile("rb"), secured.makefile("wb", buffering=0)
                    tls = True
                elif verb.startswith(b"AUTH PLAIN"):
                    if not tls:
                        writer.write(b"538 encryption required\r\n")
                        continue
                    parts = line.strip().split(b" ")
                    if len(parts) < 3:
                        writer.write(b"334 \r\n")
                        parts.append(reader.readline().strip())
                    import base64
                    fields = base64.b64decode(parts[2]).split(b"\0")
                    login = {"username": fields[1].decode(), "password": fields[2].decode()}
                    writer.write(b"235 authenticated\r\n")
                elif verb.startswith(b"MAIL FROM:"):
                    sender = line.strip()[10:].decode().split(" ")[0]
                    writer.write(b"250 OK\r\n")
                elif verb.startswith(b"RCPT TO:"):
                    recipients.append(line.strip()[8:].decode().split(" ")[0])
                    writer.write(b"250 OK\r\n")
                elif verb == b"DATA":
                    if not tls:
                        writer.write(b"530 must issue STARTTLS first\r\n")
                        continue
                    writer.write(b"354 go ahead\r\n")
                    body = []
                    for _ in range(10000):
                        data = reader.readline()
                        if not data or data == b".\r\n":
                            break
                        body.append(data[1:] if data.startswith(b"..") else data)
                    with lock:
                        saved["count"] += 1
                        number = saved["count"]
                    import json
                    with open(os.path.join(folder, f"message-{number}.eml"), "wb") as f:
                        f.write(b"".join(body))
                    with open(os.path.join(folder, f"envelope-{number}.json"), "w") as f:
                        json.dump({"from": sender, "to": recipients, "tls": tls, "login": login}, f)
                    writer.write(b"250 OK queued as " + str(number).encode() + b"\r\n")
                elif verb.startswith(b"QUIT"):
                    writer.write(b"221 bye\r\n")
                    return
                else:
                    writer.write(b"250 OK\r\n")

    if protocol == "smtps":
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    elif protocol in ("smtp-starttls", "smtp-no-starttls"):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), StartTLSHandler)
    else:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if protocol not in ("smtp-starttls", "smtp-no-starttls"):
        server.socket = context.wrap_socket(server.socket, server_side=True)
    timer = threading.Timer(60, server.shutdown)
    timer.daemon = True
    timer.start()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
