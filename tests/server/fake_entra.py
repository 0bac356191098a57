#!/usr/bin/python3
# A local stand-in for the Microsoft identity platform's device code flow and
# the Microsoft Graph synchronization API, which these machines cannot reach.
# Built from Microsoft's documentation only:
#   - OAuth 2.0 device authorization grant (learn.microsoft.com, "Microsoft
#     identity platform and the OAuth 2.0 device authorization grant flow"):
#     POST /{tenant}/oauth2/v2.0/devicecode and /token, the errors
#     authorization_pending, authorization_declined, bad_verification_code,
#     expired_token, and RFC 8628's slow_down; refresh_token grant, invalid_grant.
#   - Graph v1.0: GET /servicePrincipals (with @odata.nextLink paging),
#     GET /servicePrincipals/delta (nextLink pages, then @odata.deltaLink;
#     later only what changed, removed ones as {"id", "@removed"}), with
#     preferredSingleSignOnMode, preferredTokenSigningKeyThumbprint and
#     keyCredentials (Sign and Verify keys, customKeyIdentifier in base64),
#     POST /$batch (JSON batching: up to 20 requests, each answered on its
#     own, any of them 429 with its own Retry-After),
#     GET /servicePrincipals/{id}/synchronization/jobs[/{jobId}],
#     GET and PUT .../synchronization/secrets (PUT answers 204),
#     POST .../jobs/{jobId}/validateCredentials (204), POST .../restart (204),
#     error bodies {"error": {"code", "message", "innerError"}}, 401
#     InvalidAuthenticationToken, 403 Authorization_RequestDenied, 429
#     TooManyRequests with Retry-After.
# and, where Microsoft is awkward, from what it documents elsewhere and what
# its trackers report; each such place names its source (see SOURCES and
# docs/entra.md, "Microsoft's behaviour and its sources").
# The provisioning job is real as far as the tenant sees it: validating and
# running it make SCIM requests to the BaseAddress with the saved token.
#
# Run alone it prints "fake-entra: listening on URL"; tests steer it through
# POST /_control/<what> (never part of Microsoft's API).  With --tls CERT KEY
# it is also an HTTP proxy for Microsoft's real hosts: a client that goes
# through it (CONNECT) for https://login.partner.microsoftonline.cn or
# https://microsoftgraph.chinacloudapi.cn finds the stand-in there, behind a
# certificate for those names, and signs in to a national cloud by its real
# addresses.  It never logs a
# token; /_control/state shows saved tokens only as SHA-256 digests.
#
# Copyright 2026 The Provisio authors
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import email.utils
import ssl
import hashlib
import json
import os
import secrets
import socketserver
import shutil
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GRAPH_PAGE = 2   # small pages, so that paging is exercised
# The shapes of the stand-in's secrets (see tokens() and login()): access
# tokens, refresh tokens and device codes.  Tests look for them wherever a
# secret must not be (logs, files, URLs).
SECRET_PATTERN = r"eyJ0eXAi\.[A-Za-z0-9_-]{20,}|0\.AAAA[A-Za-z0-9_-]{20,}|DAQABAAEAAAD[A-Za-z0-9_-]{20,}"

SOURCES = {
    # 401 {"error":{"code":"UnknownError","message":""}} for a call the
    # account may not make, where 403 would be expected.
    "missing-rights": "https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/8800",
    # The roles and the scope each synchronization call needs.
    "roles": "https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-validatecredentials",
    # AADSTS codes and the shape of an error answer (error, error_description
    # starting "AADSTSnnnn:", error_codes, trace and correlation ids).
    "aadsts": "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
    # A Conditional Access block answered with AADSTS53003 (observed).
    "ca-block": "https://github.com/dafthack/MSOLSpray/issues/5",
    # Refresh tokens are not revoked when used.
    "refresh": "https://learn.microsoft.com/entra/identity-platform/refresh-tokens",
    # No offline_access: no refresh token, not an error.
    "offline": "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code",
    # GET secrets lists every stored key; keys such as SyncAll and
    # SyncNotificationSettings beside BaseAddress and SecretToken.
    "secrets": "https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationsecretkeystringvaluepair",
    # ... with secret values masked as "*" and SyncNotificationSettings as a
    # JSON string (observed).
    "secrets-masked": "https://github.com/MicrosoftDocs/azure-docs/issues/55184",
    # restart: 204 at once, the job restarts later; resetScope may be empty.
    "restart": "https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjobrestartcriteria",
    # Throttling: 429, 503 and 504 with Retry-After.
    "throttling": "https://learn.microsoft.com/graph/throttling",
    # JSON batching: at most 20 requests; responses in any order, each with
    # its own status, headers and body; each request counts against the
    # limits, so some of a batch may be 429 with their own Retry-After.
    "batching": "https://learn.microsoft.com/graph/json-batching",
    # Delta query on service principals: nextLink pages, then a deltaLink;
    # later rounds bring new and changed objects (at least their changed
    # properties) and removed ones with "@removed".
    "delta": "https://learn.microsoft.com/graph/api/serviceprincipal-delta",
    # keyCredentials and preferredTokenSigningKeyThumbprint of a SAML app.
    "saml-keys": "https://learn.microsoft.com/graph/api/resources/serviceprincipal",
    # A policy that blocks the device code flow, as Microsoft recommends.
    "block-device-code": "https://learn.microsoft.com/entra/identity/conditional-access/policy-block-authentication-flows",
    # validateCredentials: 204 when passed, no documented error body.
    "validate": "https://learn.microsoft.com/graph/api/synchronization-synchronizationjob-validatecredentials",
    # The national clouds' sign-in and Graph hosts; China (21Vianet) signs
    # in at login.partner.microsoftonline.cn now.
    "clouds": "https://learn.microsoft.com/graph/deployments",
    "china": "https://docs.azure.cn/entra/identity-platform/authentication-national-cloud",
}

# Each cloud's Graph, by its sign-in host (SOURCES["clouds"],
# SOURCES["china"]): a scope names the Graph of the cloud it is asked at.
# Where the stand-in is reached by its own address, it is its own Graph.
CLOUD_GRAPHS = {
    "login.microsoftonline.com": ("graph.microsoft.com",),
    "login.microsoftonline.us": ("graph.microsoft.us", "dod-graph.microsoft.us"),
    "login.partner.microsoftonline.cn": ("microsoftgraph.chinacloudapi.cn",),
    "login.chinacloudapi.cn": ("microsoftgraph.chinacloudapi.cn",),
}
# The Graph hosts where validateCredentials is not offered: the "national
# cloud deployments" table of synchronizationJob: validateCredentials marks
# China ❌ (SOURCES["validate"]).  What Graph answers there is not
# documented; the stand-in refuses it, so that a client that calls it fails.
NO_VALIDATE = ("microsoftgraph.chinacloudapi.cn",)
TLS = None   # an ssl.SSLContext for the real hosts, with --tls

# Real AADSTS codes and Microsoft's descriptions (SOURCES["aadsts"],
# SOURCES["ca-block"]), by the OAuth error each comes with.
REFUSALS = {
    53003: ("invalid_grant", "Access has been blocked by Conditional Access policies. The access policy does not "
                             "allow token issuance."),
    50076: ("interaction_required", "Due to a configuration change made by your administrator, or because you moved "
                                    "to a new location, you must use multi-factor authentication to access "
                                    "'00000003-0000-0000-c000-000000000000'."),
    65001: ("invalid_grant", "The user or administrator has not consented to use the application with ID "
                             "'14d82eec-204b-4c2f-b7e8-296a70dab67e' named 'Microsoft Graph Command Line Tools'. "
                             "Send an interactive authorization request for this user and resource."),
    70000: ("invalid_grant", "The provided grant is invalid or malformed."),
    700082: ("invalid_grant", "The refresh token has expired due to inactivity. The token was issued on "
                              "2026-08-01T10:00:00Z and was inactive for 90.00:00:00."),
    7000218: ("invalid_client", "The request body must contain the following parameter: 'client_assertion' or "
                                "'client_secret'."),
    # Not in the client's table: shown as it came.
    50158: ("interaction_required", "External security challenge not satisfied. User will be redirected to another "
                                    "page or authentication provider to satisfy additional authentication challenges."),
}

# The directories the stand-in knows, as a tenant id or domain; "common" and
# "organizations" are Microsoft's multi-tenant names.
TENANTS = ("contoso.example", "contoso.onmicrosoft.com", "organizations", "common",
           "6a4e1b1c-0000-4000-8000-c0450c0e0001")
ALL_SCOPES = ("Synchronization.ReadWrite.All", "Application.Read.All", "offline_access", "openid", "profile")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.codes = {}        # device_code -> dict
        self.refresh = {}      # refresh token -> account
        self.access = {}       # access token -> (account, expires monotonic)
        self.apps = {}         # sp id -> dict
        self.account = "admin@contoso.example"
        self.access_lifetime = 3599
        self.code_lifetime = 900
        self.interval = 1
        self.auto_approve = None   # seconds after the code is issued, or None
        self.forbidden = False
        self.throttle = 0          # this many next Graph calls answer 429
        self.retry_after = 1       # with this Retry-After
        self.drop = None           # a path part: the next such call gets no answer
        self.fail_validation = False
        self.validation_answer = None  # {"status", "body"}: how a failed test is answered
        self.role = True           # the account holds Application Administrator
        self.consented = list(ALL_SCOPES)   # what the client may be granted
        self.refuse = None         # {"at": "device_code"|"refresh", "aadsts": n}
        self.throttle_status = 429
        self.retry_after_date = False   # Retry-After as an HTTP date
        self.restart_delay = 1.5   # seconds before a restarted job leaves quarantine
        self.log = []              # (method, path, status)
        self.slow_down = 0         # this many next polls of a pending code answer slow_down
        self.polls = []            # (seconds since the code was issued, error) of device code polls
        self.runs = []             # (sp, SCIM status) of job runs
        self.page_size = GRAPH_PAGE
        # Graph throttles bursts (SOURCES["throttling"]): more than "limit"
        # requests (each request of a batch counted) within "window"
        # seconds are answered 429 with Retry-After.
        self.burst = None          # {"limit": n, "window": seconds}
        self.recent = []           # when the requests of the window came
        self.version = 0           # changes so far, for delta queries
        self.removed = {}          # sp id -> version of its removal
        self.delta_gone = False    # delta tokens answer 410 (state too old)
        self.demo = False          # provisio --demo's stand-in: no /_control, marked as the demo's
        self.verification_uri = "https://microsoft.com/devicelogin"

    def add_app(self, sp, name, base_address=None, status="Active", job_id=None, jobs_answer=None, saml=None):
        self.version += 1
        self.removed.pop(sp, None)
        self.apps[sp] = {
            "id": sp, "displayName": name, "appId": str(uuid.uuid4()),
            "job": {"id": job_id or f"scim.{sp[:8]}", "templateId": "scim", "status": status,
                    "quarantine": None, "last_success": "2026-11-22T10:00:00Z"},
            "base_address": base_address, "secret": None,
            # Microsoft does not document what its first-party apps answer on
            # .../synchronization/jobs; tests give such an app any answer.
            "jobs_answer": jobs_answer,
            "saml": saml,          # {"thumbprint", "not_after", "subject", "older": [...]}
            "version": self.version,
        }
        if status == "Quarantine":
            self.quarantine(sp)

    def remove_app(self, sp):
        self.version += 1
        del self.apps[sp]
        self.removed[sp] = self.version

    def throttled(self):
        """Whether this request is one too many of a burst."""
        if not self.burst:
            return None
        now = time.monotonic()
        window = self.burst["window"]
        self.recent = [t for t in self.recent if t > now - window]
        if len(self.recent) >= self.burst["limit"]:
            return max(1, int(self.recent[0] + window - now + 0.999))
        self.recent.append(now)
        return None


    def quarantine(self, sp):
        job = self.apps[sp]["job"]
        job["status"] = "Quarantine"
        job["quarantine"] = {"currentBegan": "2026-11-20T08:00:00Z", "seriesBegan": "2026-11-19T08:00:00Z",
                             "nextAttempt": "2026-11-21T08:00:00Z", "reason": "EncounteredQuarantineException",
                             "seriesCount": 3,
                             "error": {"code": "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
                                       "message": "The SCIM endpoint rejected the credentials (HTTP 401).",
                                       "tenantActionable": True}}


def key_credentials(saml):
    """A SAML app's keys as Graph lists them: each certificate as a Sign and
    a Verify key, customKeyIdentifier the SHA-1 thumbprint in base64
    (SOURCES["saml-keys"]); the active one and any older ones."""
    keys = []
    for cert in [saml] + saml.get("older", []):
        ident = base64.b64encode(bytes.fromhex(cert["thumbprint"])).decode()
        for usage, kind in (("Sign", "AsymmetricX509Cert"), ("Verify", "AsymmetricX509Cert")):
            keys.append({"customKeyIdentifier": ident, "displayName": cert.get("subject", "CN=Microsoft Azure "
                                                                              "Federated SSO Certificate"),
                         "endDateTime": cert["not_after"], "key": None, "keyId": str(uuid.uuid4()),
                         "startDateTime": "2024-01-01T00:00:00Z", "type": kind, "usage": usage})
    return keys


def sp_json(app, select):
    """A service principal with the properties asked for ($select)."""
    saml = app.get("saml")
    full = {"id": app["id"], "appId": app["appId"], "displayName": app["displayName"],
            "preferredSingleSignOnMode": "saml" if saml else None,
            "preferredTokenSigningKeyThumbprint": saml["thumbprint"].upper() if saml else None,
            "keyCredentials": key_credentials(saml) if saml else []}
    return {k: v for k, v in full.items() if k == "id" or not select or k in select}

STATE = State()
# The demo's request log, as provisiod has its own: each request's method,
# whole URL (path and query) and status on standard error, when debug
# messages are asked for (G_MESSAGES_DEBUG), so that a secret in a URL would
# show there (tests/app/test_secrets_audit.py looks).
LOG_REQUESTS = bool(os.environ.get("G_MESSAGES_DEBUG"))


def log_request(method, url, status):
    if STATE.demo and LOG_REQUESTS:
        sys.stderr.write(f"fake-entra-DEBUG: {method} {url[:300]} {status}\n")
        sys.stderr.flush()


def scim_request(base, token, method, resource, body=None):
    """A SCIM request as Entra's provisioning service sends it; the status (0: no answer)."""
    headers = {"Authorization": "Bearer " + token, "User-Agent": "Microsoft Entra provisioning (stand-in)",
               "Accept": "application/scim+json"}
    if body is not None:
        headers["Content-Type"] = "application/scim+json"
    req = urllib.request.Request(base.rstrip("/") + resource, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def scim_probe(base, token):
    """What Entra does to test credentials or in a cycle: a SCIM query."""
    return scim_request(base, token, "GET", "/Users?filter=" + urllib.parse.quote(f'userName eq "{uuid.uuid4()}"'))


def scim_create(base, token):
    """What Entra does in a cycle for a user newly in scope whom its query did not find:
    POST /Users (its request shape as the provisioning logs show it, trimmed)."""
    name = f"{uuid.uuid4()}@contoso.example"
    return scim_request(base, token, "POST", "/Users",
                        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "externalId": name,
                         "userName": name, "active": True, "displayName": "New Hire"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with STATE.lock:
            STATE.log.append((self.command, self.path.split("?")[0], status))
        log_request(self.command, self.path, status)

    def send_raw(self, status, body):
        """Any answer: JSON, text that is not JSON, or nothing."""
        if body is None or not isinstance(body, str):
            return self.send(status, body)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with STATE.lock:
            STATE.log.append((self.command, self.path.split("?")[0], status))
        log_request(self.command, self.path, status)

    def graph_error(self, status, code, message, headers=None):
        self.send(status, {"error": {"code": code, "message": message,
                                     "innerError": {"date": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                                    "request-id": str(uuid.uuid4()),
                                                    "client-request-id": str(uuid.uuid4())}}}, headers)

    def oauth_error(self, code, description, aadsts, status=400):
        """An error of the identity platform, as SOURCES["aadsts"] shows it."""
        self.send(status, {"error": code, "error_description": f"AADSTS{aadsts}: {description}\r\n"
                           f"Trace ID: {uuid.uuid4()}\r\nCorrelation ID: {uuid.uuid4()}\r\n"
                           f"Timestamp: {time.strftime('%Y-%m-%d %H:%M:%SZ', time.gmtime())}",
                           "error_codes": [aadsts], "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                           "trace_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4()),
                           "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}"})

    def refused(self, at):
        """A refusal the test set up for this point of the sign-in, or None."""
        refuse = STATE.refuse
        if not refuse or refuse.get("at") != at:
            return False
        code, description = REFUSALS[refuse["aadsts"]]
        self.oauth_error(code, description, refuse["aadsts"])
        return True

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # -- the identity platform ------------------------------------------------

    def tokens(self, requested):
        """Tokens for the scopes asked for that the client may be granted.
        Without offline_access there is no refresh token, and no error
        (SOURCES["offline"])."""
        account = STATE.account
        granted = [s for s in requested if s in STATE.consented]
        access = "eyJ0eXAi." + secrets.token_urlsafe(32)
        STATE.access[access] = (account, time.monotonic() + STATE.access_lifetime, granted)
        id_token = ".".join([b64url(b'{"typ":"JWT","alg":"RS256"}'),
                             b64url(json.dumps({"preferred_username": account, "tid": "contoso"}).encode()),
                             b64url(b"signature")])
        graph = self.graphs()[0]
        answer = {"token_type": "Bearer",
                  "scope": " ".join(f"{graph}/{s}" if "." in s else s for s in granted
                                    if s not in ("offline_access", "openid", "profile")),
                  "expires_in": STATE.access_lifetime, "ext_expires_in": STATE.access_lifetime,
                  "access_token": access, "id_token": id_token}
        if "offline_access" in granted:
            refresh = "0.AAAA" + secrets.token_urlsafe(40)
            STATE.refresh[refresh] = (account, requested)
            answer["refresh_token"] = refresh
        return answer

    def scopes(self, form_scope):
        """The scopes asked for, by name, or None when one is on a host that
        is not this cloud's Graph (AADSTS70011, SOURCES["aadsts"])."""
        names = []
        for scope in (form_scope or "").split():
            if "://" in scope:
                if not any(scope.startswith(graph + "/") for graph in self.graphs()):
                    return None, scope
                scope = scope.split("/", 3)[3]
            names.append(scope)
        return names, None

    def origin(self):
        """This request's scheme and host: https through the proxy."""
        return ("https://" if getattr(self, "tunnel", None) else "http://") + (self.headers.get("Host") or "")

    def graphs(self):
        """The Graph origins of the cloud whose sign-in this is."""
        host = (self.headers.get("Host") or "").split(":")[0]
        if getattr(self, "tunnel", None) and host in CLOUD_GRAPHS:
            return ["https://" + graph for graph in CLOUD_GRAPHS[host]]
        return [self.origin()]

    def login(self, tenant, endpoint):
        form = urllib.parse.parse_qs(self.body().decode())
        get = lambda k: (form.get(k) or [None])[0]
        if tenant not in TENANTS:
            # AADSTS90002 InvalidTenantName (SOURCES["aadsts"]).
            return self.oauth_error("invalid_request", f"Tenant '{tenant}' not found. Check to make sure you have the "
                                    "correct tenant ID and are signing into the correct cloud.", 90002)
        if not get("client_id"):
            return self.oauth_error("invalid_request", "The request body must contain the following parameter: "
                                    "'client_id'.", 900144)
        if endpoint == "devicecode":
            requested, bad = self.scopes(get("scope"))
            if requested is None:
                return self.oauth_error("invalid_scope", f"The provided value for the input parameter 'scope' is not "
                                        f"valid. The scope {bad} is not valid.", 70011)
            device_code = "DAQABAAEAAAD" + secrets.token_urlsafe(48)
            user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
            with STATE.lock:
                STATE.codes[device_code] = {"user_code": user_code, "client_id": get("client_id"),
                                            "state": "pending", "issued": time.monotonic(), "last_poll": 0.0,
                                            "scopes": requested}
            return self.send(200, {"user_code": user_code, "device_code": device_code,
                                   "verification_uri": STATE.verification_uri,
                                   "expires_in": STATE.code_lifetime, "interval": STATE.interval,
                                   "message": f"To sign in, use a web browser to open the page "
                                              f"{STATE.verification_uri} and enter the code {user_code} to authenticate."})
        grant = get("grant_type")
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            with STATE.lock:
                code = STATE.codes.get(get("device_code") or "")
                # The device code flow's errors (SOURCES["offline"]) with
                # their AADSTS codes (SOURCES["aadsts"]): 70016 pending,
                # 70019 expired; the stand-in knows none of Microsoft's own
                # for a decline or an unknown code, so they carry 70000
                # InvalidGrant.
                if code is None or code["client_id"] != get("client_id"):
                    return self.oauth_error("bad_verification_code", "The provided value for the input parameter "
                                            "'device_code' is not valid.", 70000)
                now = time.monotonic()
                if now - code["issued"] > STATE.code_lifetime or code["state"] == "expired":
                    return self.oauth_error("expired_token", "Verification code expired.", 70019)
                too_fast = now - code["last_poll"] < STATE.interval * 0.5
                code["last_poll"] = now
                if STATE.auto_approve is not None and now - code["issued"] >= STATE.auto_approve and code["state"] == "pending":
                    code["state"] = "approved"
                if code["state"] == "declined":
                    return self.oauth_error("authorization_declined", "The user has declined the sign-in.", 70000)
                if code["state"] == "pending":
                    forced = STATE.slow_down > 0
                    STATE.slow_down = max(STATE.slow_down - 1, 0)
                    STATE.polls.append((now - code["issued"], "slow_down" if too_fast or forced else "pending"))
                    if too_fast or forced:
                        return self.oauth_error("slow_down", "Polling too fast.", 70016)
                    return self.oauth_error("authorization_pending", "OAuth 2.0 device flow error. Authorization "
                                            "is pending. Continue polling.", 70016)
                # Conditional Access (which Microsoft recommends for the
                # device code flow, SOURCES["block-device-code"]), MFA or
                # consent refuse once the admin has signed in
                # (SOURCES["ca-block"], SOURCES["aadsts"]).
                if self.refused("device_code"):
                    del STATE.codes[get("device_code")]
                    return
                del STATE.codes[get("device_code")]
                return self.send(200, self.tokens(code["scopes"]))
        if grant == "refresh_token":
            with STATE.lock:
                # Not popped: a refresh token is not revoked by its use
                # (SOURCES["refresh"]).
                held = STATE.refresh.get(get("refresh_token") or "")
                if held is None:
                    return self.oauth_error("invalid_grant", "The provided grant has expired or was revoked.", 70008)
                if self.refused("refresh"):
                    return
                requested, bad = self.scopes(get("scope"))
                if requested is None:
                    return self.oauth_error("invalid_scope", f"The provided value for the input parameter 'scope' "
                                            f"is not valid. The scope {bad} is not valid.", 70011)
                return self.send(200, self.tokens(requested))
        return self.oauth_error("unsupported_grant_type", "The provided grant type is not supported.", 70003)

    # -- Graph ---------------------------------------------------------------

    def graph(self, method, path, query):
        body = self.body()   # always read, so that the connection stays in step
        auth = self.headers.get("Authorization") or ""
        with STATE.lock:
            held = STATE.access.get(auth[7:]) if auth.startswith("Bearer ") else None
            if held is None or held[1] < time.monotonic():
                return self.graph_error(401, "InvalidAuthenticationToken", "Access token has expired or is not valid yet.")
        if path == "/v1.0/$batch" and method == "POST":
            return self.batch(body)
        with STATE.lock:
            if STATE.drop and STATE.drop in path:
                STATE.drop = None
                STATE.log.append((method, path, 0))
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if STATE.throttle > 0:
                # 429, or 503/504 under load, with Retry-After in seconds or,
                # as HTTP allows, as a date (SOURCES["throttling"]).
                STATE.throttle -= 1
                after = str(STATE.retry_after)
                if STATE.retry_after_date:
                    after = email.utils.formatdate(time.time() + STATE.retry_after, usegmt=True)
                if STATE.throttle_status == 429:
                    return self.graph_error(429, "TooManyRequests", "Too many requests; retry after the time given.",
                                            {"Retry-After": after})
                return self.graph_error(STATE.throttle_status, "ServiceUnavailable",
                                        "The service is temporarily unavailable.", {"Retry-After": after})
            wait = STATE.throttled()
            if wait:
                return self.graph_error(429, "TooManyRequests", "Too many requests; retry after the time given.",
                                        {"Retry-After": str(wait)})
            if STATE.forbidden:
                return self.graph_error(403, "Authorization_RequestDenied",
                                        "Insufficient privileges to complete the operation.")
        parts = [p for p in path.split("/") if p]
        if parts == ["v1.0", "servicePrincipals", "delta"] and method == "GET":
            return self.delta(query)
        if parts == ["v1.0", "servicePrincipals"] and method == "GET":
            ids = sorted(STATE.apps)
            skip = int(query.get("$skiptoken", ["0"])[0])
            page = [{"id": i, "appId": STATE.apps[i]["appId"], "displayName": STATE.apps[i]["displayName"]}
                    for i in ids[skip:skip + GRAPH_PAGE]]
            # Graph lists every service principal, provisioning or not.
            answer = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals", "value": page}
            if skip + GRAPH_PAGE < len(ids):
                answer["@odata.nextLink"] = f"{self.origin()}/v1.0/servicePrincipals?$select=id,appId,displayName&$top=999&$skiptoken={skip + GRAPH_PAGE}"
            return self.send(200, answer)
        if len(parts) < 4 or parts[:2] != ["v1.0", "servicePrincipals"] or parts[3] != "synchronization":
            return self.graph_error(400, "BadRequest", "Resource not found for the segment.")
        app = STATE.apps.get(parts[2])
        if app is None:
            return self.graph_error(404, "Request_ResourceNotFound",
                                    f"Resource '{parts[2]}' does not exist or one of its queried reference-property objects are not present.")
        # Without Application Administrator (or Cloud Application
        # Administrator), or without consent for Synchronization.ReadWrite.All,
        # the synchronization API answers 401 UnknownError with an empty
        # message, not 403 (SOURCES["missing-rights"], SOURCES["roles"]).
        if not STATE.role or "Synchronization.ReadWrite.All" not in held[2]:
            return self.graph_error(401, "UnknownError", "")
        rest = parts[4:]
        if rest == ["jobs"] and method == "GET":
            odd = app["jobs_answer"]
            if odd is not None:
                return self.send_raw(odd["status"], odd.get("body"))
            jobs = [] if app["job"] is None or app["job"]["status"] == "None" else [self.job_json(app)]
            return self.send(200, {"value": jobs})
        if rest == ["secrets"] and method == "GET":
            # Every stored key, secret values masked as "*"; the BaseAddress
            # in the clear (SOURCES["secrets"], SOURCES["secrets-masked"]).
            pairs = [{"key": "SyncNotificationSettings",
                      "value": '{"Enabled":false,"DeleteThresholdEnabled":false,"HumanResourcesLookaheadQueryEnabled":false}'},
                     {"key": "SyncAll", "value": "false"}]
            if app["base_address"]:
                pairs.insert(0, {"key": "BaseAddress", "value": app["base_address"]})
            if app["secret"]:
                pairs.append({"key": "SecretToken", "value": "*"})
            return self.send(200, {"value": pairs})
        if rest == ["secrets"] and method == "PUT":
            try:
                pairs = {p["key"]: p["value"] for p in json.loads(body)["value"]}
            except (ValueError, KeyError, TypeError):
                return self.graph_error(400, "BadRequest", "The request body is not a list of key/value pairs.")
            with STATE.lock:
                app["base_address"] = pairs.get("BaseAddress", app["base_address"])
                if "SecretToken" in pairs:
                    app["secret"] = pairs["SecretToken"]
            return self.send(204)
        if len(rest) >= 2 and rest[0] == "jobs" and rest[1] == app["job"]["id"]:
            if len(rest) == 2 and method == "GET":
                return self.send(200, self.job_json(app))
            if rest[2:] == ["validateCredentials"] and method == "POST":
                if (self.headers.get("Host") or "").split(":")[0] in NO_VALIDATE:
                    return self.graph_error(400, "BadRequest", "This API is not available in this cloud.")
                try:
                    request = json.loads(body)
                except ValueError:
                    return self.graph_error(400, "BadRequest", "The request body is not JSON.")
                if request.get("useSavedCredentials"):
                    base, token = app["base_address"], app["secret"]
                else:
                    pairs = {p["key"]: p["value"] for p in request.get("credentials", [])}
                    base, token = pairs.get("BaseAddress"), pairs.get("SecretToken")
                # fail_validation: Entra cannot reach the tenant at all.
                status = scim_probe(base, token) if base and token and not STATE.fail_validation else 0
                if status != 200:
                    # Microsoft documents only the 204 of a passed test; a
                    # failed one comes as any 4xx/5xx, with or without words
                    # (SOURCES["validate"]).
                    if STATE.validation_answer is not None:
                        return self.send_raw(STATE.validation_answer["status"], STATE.validation_answer.get("body"))
                    return self.graph_error(400, "BadRequest",
                                            f"Failed to validate credentials: the SCIM endpoint answered HTTP {status}.")
                return self.send(204)
            if rest[2:] == ["restart"] and method == "POST":
                # criteria and its resetScope may be left out or empty, as the
                # portal's "Restart provisioning" does (SOURCES["restart"]).
                try:
                    request = json.loads(body) if body else {}
                    criteria = ((request.get("criteria") or {}).get("resetScope") or "").replace(" ", "").split(",")
                except (ValueError, AttributeError):
                    return self.graph_error(400, "BadRequest", "The request body is not valid JSON.")
                if criteria == [""] or "Full" in criteria:
                    criteria = ["QuarantineState", "Watermark", "Escrows"]
                # 204 at once; the job leaves quarantine later, in the
                # background, not before this answer.
                threading.Thread(target=restart_job, args=(app["id"], "QuarantineState" in criteria),
                                 daemon=True).start()
                return self.send(204)
        return self.graph_error(400, "BadRequest", "Unsupported request.")

    def delta(self, query):
        """servicePrincipal: delta (SOURCES["delta"]).  A round is pinned to
        the version it started at: $skiptoken=FROM.UPTO.OFFSET pages, and
        the deltaLink's $deltatoken is UPTO."""
        get = lambda k: (query.get(k) or [None])[0]
        select = [p for p in (get("$select") or "").split(",") if p]
        with STATE.lock:
            if get("$deltatoken") and STATE.delta_gone:
                # A delta token whose state Graph no longer keeps: 410 Gone,
                # start over without it (SOURCES["delta"]).
                return self.graph_error(410, "resyncRequired", "The delta token is no longer valid; "
                                        "start over with a full synchronization.")
            if get("$skiptoken"):
                try:
                    since, upto, offset = (int(x) for x in get("$skiptoken").split("."))
                except ValueError:
                    return self.graph_error(400, "BadRequest", "Invalid skip token.")
            else:
                since, upto, offset = int(get("$deltatoken") or 0), STATE.version, 0
            items = [sp_json(a, select) for i, a in sorted(STATE.apps.items()) if since < a["version"] <= upto]
            if since > 0:
                items += [{"id": i, "@removed": {"reason": "deleted"}}
                          for i, v in sorted(STATE.removed.items()) if since < v <= upto]
            page = items[offset:offset + STATE.page_size]
        base = f"{self.origin()}/v1.0/servicePrincipals/delta?"
        answer = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals", "value": page}
        if offset + STATE.page_size < len(items):
            answer["@odata.nextLink"] = base + f"$skiptoken={since}.{upto}.{offset + STATE.page_size}"
        else:
            answer["@odata.deltaLink"] = base + f"$deltatoken={upto}"
        return self.send(200, answer)

    def batch(self, body):
        """JSON batching (SOURCES["batching"]): each request as if sent alone,
        with the caller's token; answered in reverse order, as Graph may."""
        try:
            requests = json.loads(body)["requests"]
            assert isinstance(requests, list) and 0 < len(requests) <= 20
            assert len({r["id"] for r in requests}) == len(requests)
        except (ValueError, KeyError, TypeError, AssertionError):
            return self.graph_error(400, "BadRequest", "A batch holds 1 to 20 requests, each with its own id.")
        responses = []
        for r in reversed(requests):
            sub = SubRequest(self, r)
            url = urllib.parse.urlsplit("/v1.0/" + r["url"].lstrip("/"))
            sub.graph(r.get("method", "GET"), url.path, urllib.parse.parse_qs(url.query))
            status, answer, headers = sub.answer
            if isinstance(answer, str):
                # A body that is not JSON comes base64-encoded.
                answer = base64.b64encode(answer.encode()).decode()
            responses.append({"id": r["id"], "status": status, "headers": headers or {}, "body": answer})
        return self.send(200, {"responses": responses})

    def job_json(self, app):
        job = app["job"]
        status = {"code": job["status"], "countSuccessiveCompleteFailures": 0, "escrowsPruned": False,
                  "lastExecution": {"state": "Succeeded", "timeBegan": job["last_success"],
                                    "timeEnded": job["last_success"], "error": None},
                  "lastSuccessfulExecution": {"state": "Succeeded", "timeBegan": job["last_success"],
                                              "timeEnded": job["last_success"]},
                  "quarantine": job["quarantine"], "troubleshootingUrl": None}
        if job.get("last_failure"):
            # A cycle that failed since the last good one (Graph's
            # lastExecution is the last run, whatever its outcome).
            status["lastExecution"] = {"state": "Failed", "timeBegan": job["last_failure"],
                                       "timeEnded": job["last_failure"],
                                       "error": {"code": "SystemForCrossDomainIdentityManagementCredentialValidationUnauthorized",
                                                 "message": "The SCIM endpoint rejected the credentials (HTTP 401)."}}
        if job["quarantine"]:
            status["lastExecution"] = {"state": "Failed", "timeBegan": job["quarantine"]["currentBegan"],
                                       "timeEnded": job["quarantine"]["currentBegan"],
                                       "error": job["quarantine"]["error"]}
        return {"id": job["id"], "templateId": job["templateId"],
                "schedule": {"expiration": None, "interval": "PT40M", "state": "Active"}, "status": status}

    # -- the stand-in's own controls -------------------------------------------

    def control(self, what):
        raw = self.body()
        args = json.loads(raw) if raw else {}
        with STATE.lock:
            if what == "approve" or what == "decline" or what == "expire":
                for code in STATE.codes.values():
                    if code["state"] == "pending":
                        code["state"] = {"approve": "approved", "decline": "declined", "expire": "expired"}[what]
                return self.send(200, {"codes": len(STATE.codes)})
            if what == "reset":
                # As when started: no app, no code, no token, every setting
                # as it was; what was given before no longer works.
                STATE.__init__()
                return self.send(200, {})
            if what == "app":
                STATE.add_app(args["id"], args["displayName"], args.get("base_address"), args.get("status", "Active"),
                              jobs_answer=args.get("jobs_answer"), saml=args.get("saml"))
                return self.send(200, {})
            if what == "remove":
                STATE.remove_app(args["id"])
                return self.send(200, {})
            if what == "estate":
                # A directory at scale: "total" service principals, "jobs" of
                # them provisioning to https://scim{n}.<domain>/scim/v2,
                # "saml" signing in with SAML, the rest neither.
                for n in range(args["total"]):
                    sp = f"{n:08x}-e57a-4e00-8000-{n:012x}"
                    if n < args.get("jobs", 0):
                        STATE.add_app(sp, f"Provisioning app {n:04d}", f"https://scim{n}.{args.get('domain', 'example.com')}/scim/v2")
                    elif n < args.get("jobs", 0) + args.get("saml", 0):
                        STATE.add_app(sp, f"SAML app {n:04d}", status="None",
                                      saml={"thumbprint": hashlib.sha1(sp.encode()).hexdigest(),
                                            "not_after": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                       time.gmtime(time.time() + 86400 * (n % 400)))})
                    else:
                        STATE.add_app(sp, f"Enterprise app {n:04d}", status="None")
                return self.send(200, {"apps": len(STATE.apps)})
            if what == "quarantine":
                STATE.quarantine(args["id"])
                return self.send(200, {})
            if what == "set":
                for k in ("delta_gone", "page_size", "burst", "auto_approve", "forbidden", "throttle", "retry_after", "drop", "fail_validation", "access_lifetime",
                          "code_lifetime", "interval", "validation_answer", "role", "consented", "refuse",
                          "throttle_status", "retry_after_date", "restart_delay", "slow_down"):
                    if k in args:
                        setattr(STATE, k, args[k])
                # The access tokens given so far stop working (as when they
                # run out): the next Graph call is 401 and the client
                # refreshes.
                if args.get("expire_access"):
                    STATE.access.clear()
                if args.get("revoke_sign_in"):
                    STATE.refresh.clear()
                    STATE.access.clear()
                # Microsoft no longer knows the codes it gave: the next poll
                # is answered bad_verification_code.
                if args.get("forget_codes"):
                    STATE.codes.clear()
                return self.send(200, {})
            if what == "state":
                apps = {sp: {"base_address": a["base_address"], "status": a["job"]["status"],
                             "secret_sha256": hashlib.sha256(a["secret"].encode()).hexdigest() if a["secret"] else None}
                        for sp, a in STATE.apps.items()}
                return self.send(200, {"apps": apps, "log": STATE.log, "runs": STATE.runs, "polls": STATE.polls})
        if what == "run":
            return self.send(200, {"status": run_job(args["id"], args.get("change", False))})
        return self.send(404, {"error": "unknown control"})

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if STATE.demo and parts == ["devicelogin"] and self.command == "GET":
            return self.send_raw(200, DEMO_PAGE.format(seconds=DEMO_AUTO_APPROVE))
        if parts[:1] == ["_control"] and len(parts) == 2 and not STATE.demo:
            return self.control(parts[1])
        if len(parts) == 4 and parts[1:3] == ["oauth2", "v2.0"] and parts[3] in ("devicecode", "token") \
                and self.command == "POST":
            return self.login(parts[0], parts[3])
        if parts[:1] == ["v1.0"]:
            return self.graph(self.command, url.path, urllib.parse.parse_qs(url.query))
        return self.send(404, {"error": {"code": "NotFound", "message": "No such endpoint."}})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = dispatch

    def do_CONNECT(self):
        """As an HTTP proxy for Microsoft's real hosts (with --tls): the
        tunnel ends here, behind the test's certificate for those names."""
        host = self.path.rsplit(":", 1)[0]
        if TLS is None or host not in [h for graphs in CLOUD_GRAPHS.values() for h in graphs] + list(CLOUD_GRAPHS):
            return self.send(403, {"error": "this proxy reaches Microsoft's hosts only"})
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        try:
            self.connection = TLS.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.rfile = self.connection.makefile("rb", self.rbufsize)
        self.wfile = socketserver._SocketWriter(self.connection)
        self.tunnel = host
        self.close_connection = False


class SubRequest(Handler):
    """One request of a batch, answered into .answer instead of a socket."""

    def __init__(self, outer, request):
        self.headers = {"Authorization": outer.headers.get("Authorization"), "Host": outer.headers.get("Host")}
        self.tunnel = getattr(outer, "tunnel", None)
        self.command = request.get("method", "GET")
        self.path = "/v1.0/" + request.get("url", "").lstrip("/")
        self.request_body = json.dumps(request["body"]).encode() if "body" in request else b""
        self.answer = None

    def body(self):
        return self.request_body

    def send(self, status, body=None, headers=None):
        self.answer = (status, body, headers)
        with STATE.lock:
            STATE.log.append((self.command, self.path.split("?")[0], status))
        log_request(self.command, self.path, status)

    def send_raw(self, status, body):
        self.send(status, body)


def restart_job(sp, lift_quarantine):
    time.sleep(STATE.restart_delay)
    with STATE.lock:
        job = STATE.apps[sp]["job"]
        if lift_quarantine:
            job["quarantine"] = None
        job["status"] = "Active"
    run_job(sp)


def run_job(sp, change=False):
    """One provisioning cycle: a SCIM query with the saved token and, when something
    changed in the directory (`change`), the user it did not find created."""
    app = STATE.apps[sp]
    status = scim_probe(app["base_address"], app["secret"]) if app["secret"] else 0
    if change and status == 200:
        status = 200 if scim_create(app["base_address"], app["secret"]) == 201 else 0
    with STATE.lock:
        STATE.runs.append((sp, status))
        if status == 200:
            app["job"]["last_success"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            app["job"]["last_failure"] = None
        else:
            app["job"]["last_failure"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return status


def start(port=0):
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# -- provisio --demo's Microsoft ------------------------------------------------
#
# `provisio-demo-entra --demo PROVISIOD_URL [DIR]` (this file, installed
# under that name; DIR, the demo's files, removed when it stops):
# the same stand-in for the demo, on 127.0.0.1 only, without /_control, its
# sign-in page marked as the demo's.  It approves a sign-in code by itself
# after DEMO_AUTO_APPROVE seconds and holds the demo tenants' Entra apps
# (Fabrikam's Persons app in quarantine), a few vendors' apps, SAML apps and
# apps that do neither.  It prints "fake-entra: demo link SLUG KIND SP JOB
# NAME" for the apps the demo starts linked (the app writes them to the
# demo's own entra.ini), then "fake-entra: demo ready".

DEMO_AUTO_APPROVE = 3
DEMO_DIRECTORY = "contoso.example"
DEMO_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Provisio demo: Microsoft sign-in</title>"
             "</head><body><h1>Provisio demo</h1><p>This is the demo's stand-in for Microsoft's sign-in page, on "
             "this computer only. Nothing to enter: it approves the code by itself after {seconds} seconds."
             "</p></body></html>")


def seed_demo(provisiod, url):
    """The demo's directory; returns the apps the demo starts linked."""
    STATE.demo = True
    STATE.auto_approve = DEMO_AUTO_APPROVE
    STATE.verification_uri = url + "/devicelogin"
    STATE.restart_delay = 3
    scim = lambda slug, kind: f"{provisiod}/t/{slug}/scim/{kind}/v2"
    day = lambda n: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400 * n))
    linked = []
    # The demo tenants' provisioning apps: (sp, name, slug, kind, status, linked at start)
    for sp, name, slug, kind, status, link in (
            ("c0000001-0000-4000-8000-00000000c001", "Contoso Users", "contoso", "users", "Active", True),
            ("c0000002-0000-4000-8000-00000000c002", "Contoso Persons", "contoso", "persons", "Active", True),
            ("f0000001-0000-4000-8000-00000000f001", "Fabrikam Users", "fabrikam", "users", "Active", False),
            ("f0000002-0000-4000-8000-00000000f002", "Fabrikam Persons", "fabrikam", "persons", "Quarantine", True),
            ("90000001-0000-4000-8000-000000009001", "Northwind Users", "northwind", "users", "Active", False)):
        STATE.add_app(sp, name, scim(slug, kind), status)
        if link:
            linked.append((slug, kind, sp, STATE.apps[sp]["job"]["id"], name))
    # Vendors' apps (matched to the catalog by host on import) and apps that do neither
    STATE.add_app("a0000001-0000-4000-8000-00000000a001", "Timeneye", "https://api.timeneye.com/scim/v2")
    STATE.add_app("a0000002-0000-4000-8000-00000000a002", "TimeClock 365", "https://live.timeclock365.com/scim")
    STATE.add_app("a0000003-0000-4000-8000-00000000a003", "Office 365 Exchange Online", status="None")
    STATE.add_app("a0000004-0000-4000-8000-00000000a004", "Microsoft Teams", status="None")
    # SAML apps: one expiring soon, one later, one with an older certificate that lasts longer
    for n, (name, days) in enumerate((("Contoso Intranet", 12), ("Fabrikam Wiki", 45), ("Expense Portal", 200))):
        sp = f"50000{n + 1:03d}-0000-4000-8000-00000000500{n + 1}"
        saml = {"thumbprint": hashlib.sha1(sp.encode()).hexdigest(), "not_after": day(days),
                "subject": "CN=Microsoft Azure Federated SSO Certificate"}
        if n == 2:
            saml["older"] = [{"thumbprint": hashlib.sha1(name.encode()).hexdigest(), "not_after": day(500)}]
        STATE.add_app(sp, name, status="None", saml=saml)
    return linked


def remove_demo_dir(path):
    """The demo's files, which the app keeps in a directory of its own: gone
    with the stand-in, however the app ended.  A write of the app's still
    under way may add a file while the directory is emptied: tried again
    until the directory is gone, for two seconds at most."""
    if not os.path.basename(path).startswith("provisio-demo-"):
        return
    deadline = time.monotonic() + 2
    while True:
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path) or time.monotonic() > deadline:
            return
        time.sleep(0.02)


if __name__ == "__main__" and sys.argv[1:2] == ["--demo"] and len(sys.argv) in (3, 4):
    if len(sys.argv) == 4:
        signal.signal(signal.SIGTERM, lambda *_: (remove_demo_dir(sys.argv[3]), os._exit(0)))
        signal.signal(signal.SIGINT, lambda *_: (remove_demo_dir(sys.argv[3]), os._exit(0)))
    _, url = start(0)
    linked = seed_demo(sys.argv[2], url)
    print(f"fake-entra: listening on {url}", flush=True)
    for slug, kind, sp, job, name in linked:
        print(f"fake-entra: demo link {slug} {kind} {sp} {job} {name}", flush=True)
    print("fake-entra: demo ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
elif __name__ == "__main__" and os.path.basename(sys.argv[0]) == "provisio-demo-entra":
    # Installed, it is the demo's only: never the tests' steerable stand-in.
    sys.exit("usage: provisio-demo-entra --demo PROVISIOD-URL [DIR] (started by provisio --demo)")
elif __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--tls"]:
        TLS = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        TLS.load_cert_chain(args[1], args[2])
        args = args[3:]
    _, url = start(int(args[0]) if args else 0)
    print(f"fake-entra: listening on {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
