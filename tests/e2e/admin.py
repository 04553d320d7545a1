"""End to end tests of the admin endpoint, over real HTTP against a running
utsjekk on the embedded default (DESIGN.md §7).

usage: admin.py SCENARIO --utsjekk PATH --replay PATH --examples DIR
                [--artifacts DIR]

Scenarios:
  endpoints  oppdrag wait for kvitteringer (the simulator's latency turned
             up); every endpoint's content, the metrics through a real
             Prometheus text parser, the operator actions with and without
             the token and their effect on statuses, the audit log, hostile
             requests.
  load       200 concurrent requests, three times, while the shared
             examples are replayed: every request answered, and the
             replay's expectations still hold.
  page       the page in headless Chromium shows the waiting oppdrag; the
             screenshot is kept in --artifacts as admin-page.png. Skipped
             (exit 77) without Chromium unless UTSJEKK_BROWSER_TESTS=1.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
TOKEN = "e2e-operator-token"


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def wait_for(what, probe, timeout=30.0, interval=0.1):
    """Polls `probe` until it returns a true value, at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure("timed out waiting for " + what)
        time.sleep(interval)


class Service:
    """A running utsjekk on the embedded default."""

    def __init__(self, binary, work, *options, env=None):
        self.work = work
        self.out = os.path.join(work, "out")
        self.log = os.path.join(work, "log")
        self.audit = os.path.join(work, "audit.log")
        environment = dict(os.environ)
        environment.update({
            "UTSJEKK_ADMIN_PORT": "0",
            "UTSJEKK_ADMIN_TOKEN": TOKEN,
            "UTSJEKK_AUDIT_LOG": self.audit,
        })
        environment.update(env or {})
        self.proc = subprocess.Popen(
            [binary, "--utsjekk.log-level=debug", *options],
            stdout=open(self.out, "w"), stderr=open(self.log, "w"),
            env=environment, cwd=work)
        lines = wait_for("the bootstrap and admin lines", self._lines)
        self.bootstrap = lines["bootstrap"]
        url = lines["admin"]
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", url)
        check(match, "admin line names loopback: " + url)
        self.port = int(match.group(1))
        wait_for("readiness", lambda: self.get("/internal/isready")[0] == 200)

    def _lines(self):
        if self.proc.poll() is not None:
            raise Failure("utsjekk exited: " + open(self.log).read()[-2000:])
        found = {}
        with open(self.out) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                if key in ("bootstrap", "admin"):
                    found[key] = value
        return found if len(found) == 2 else None

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)
        try:
            data = body if isinstance(body, (bytes, type(None))) \
                else json.dumps(body).encode()
            conn.request(method, path, body=data, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.read().decode(), dict(res.getheaders())
        finally:
            conn.close()

    def get(self, path, token=False):
        headers = {"Authorization": "Bearer " + TOKEN} if token else {}
        status, text, _ = self.request("GET", path, headers=headers)
        return status, text

    def get_json(self, path, token=False):
        status, text = self.get(path, token)
        check(status == 200, f"GET {path}: {status} {text}")
        return json.loads(text)

    def act(self, path, body, token=TOKEN, operator=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if operator:
            headers["X-Operator"] = operator
        status, text, hdrs = self.request("POST", path, body, headers)
        return status, (json.loads(text) if text else None), hdrs

    def produce(self, records):
        """Produces records {topic, key, value} with kcat, as benefit
        systems do."""
        for r in records:
            subprocess.run(
                ["kcat", "-P", "-b", self.bootstrap, "-t", r["topic"],
                 "-k", r["key"]],
                input=r["value"].encode(), check=True, timeout=30)

    def statuses(self):
        """Every status on helved.status.v1 so far: key -> [status]."""
        out = subprocess.run(
            ["kcat", "-C", "-b", self.bootstrap, "-t", "helved.status.v1",
             "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"],
            capture_output=True, check=True, timeout=30).stdout.decode()
        result = {}
        for line in out.splitlines():
            key, _, value = line.partition("\t")
            if value:
                result.setdefault(key, []).append(json.loads(value))
        return result

    def wait_status(self, key, kinds, timeout=30):
        def probe():
            got = [s["status"] for s in self.statuses().get(key, [])]
            return got if got and got[-1] in kinds else None
        return wait_for(f"{key} to reach {kinds}", probe, timeout, 0.3)

    def metrics(self):
        from prometheus_client.parser import text_string_to_metric_families
        status, text = self.get("/internal/metrics")
        check(status == 200, "metrics answer 200")
        families = {}
        for family in text_string_to_metric_families(text):
            families[family.name] = family
        return families

    def stop(self):
        """SIGTERM; a clean exit within 30 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise Failure("utsjekk did not stop within 30 s")
            check(code == 0, f"utsjekk exited with {code}")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def sample(families, family, labels=None, suffix=""):
    """The value of the sample of `family` with `labels`, or None."""
    f = families.get(family)
    if f is None:
        return None
    for s in f.samples:
        if s.name != family + suffix:
            continue
        if all(s.labels.get(k) == v for k, v in (labels or {}).items()):
            return s.value
    return None


def load_examples(examples):
    with open(os.path.join(examples, "basic.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def personidents(records):
    """Every personident the records carry."""
    found = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("ident", "personident", "personIdent") and \
                        isinstance(v, str):
                    found.add(v)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    for r in records:
        try:
            walk(json.loads(r["value"]))
        except ValueError:
            pass
    return {x for x in found if re.fullmatch(r"\d{11}", x)}


def first_of_each_sak(records, keys):
    by_key = {r["key"]: r for r in records}
    return [by_key[k] for k in keys]


# -- scenario: endpoints -----------------------------------------------------

WAITING = ["aap-0001", "dp-0001", "ts-0001", "tp-0001", "hist-0001",
           "valp-0001"]


def scenario_endpoints(args, work):
    records = load_examples(args.examples)
    idents = personidents(records)
    check(idents, "the examples carry personidents")
    svc = Service(args.utsjekk, work, "--os.latency-min=10min",
                  "--os.latency-max=10min", "--admin.request-timeout=1s",
                  "--admin.max-connections=100")
    try:
        run_endpoints(svc, records, idents)
        svc.stop()
    finally:
        svc.kill()
    # I9: no personident in the log, even at debug level.
    log = open(svc.log).read()
    for ident in idents:
        check(ident not in log, "no personident in the log")
    print("e2e admin endpoints: all checks hold")


def run_endpoints(svc, records, idents):
    print("health")
    check(svc.get("/internal/isalive") == (200, '{"alive":true}'),
          "isalive answers 200")
    status, text = svc.get("/internal/isready")
    check(status == 200 and json.loads(text)["ready"], "isready 200")
    print("oppdrag waiting for kvitteringer")
    svc.produce(first_of_each_sak(records, WAITING))
    svc.produce(first_of_each_sak(records, ["aap-0002"]))

    def all_waiting():
        tree = svc.get_json("/admin/actors")
        keys = [t["key"] for t in tree["waiting"]]
        return tree if sorted(keys) == sorted(WAITING) else None
    tree = wait_for("six oppdrag waiting", all_waiting)
    for t in tree["waiting"]:
        check(t["step"] == "sent" and t["attempt"] == 1,
              f"{t['key']} is sent once: {t}")
        check(t["deadline"] and t["waitSeconds"] is not None,
              f"{t['key']} has a deadline and a wait")
        check(t["oppdrag"] and t["oppdrag"][0]["kvittering"] is None,
              f"{t['key']} has no kvittering")
    ages = [t["waitSeconds"] for t in tree["waiting"]]
    check(ages == sorted(ages, reverse=True), "waiting: oldest first")
    aap = next(s for s in tree["supervisors"] if s["fagsystem"] == "AAP")
    queue = [(t["key"], t["state"]) for t in aap["saker"][0]["queue"]]
    check(queue == [("aap-0001", "in_flight"), ("aap-0002", "queued")],
          f"aap-0002 waits behind aap-0001: {queue}")
    check(len(tree["readers"]) >= 18, "a reader per input partition")
    print("personident only with the token")
    plain = svc.get("/admin/actors")[1]
    check(not any(i in plain for i in idents), "no personident without token")
    with_token = svc.get("/admin/actors", token=True)[1]
    check(any(i in with_token for i in idents), "personident with token")
    wrong = svc.request("GET", "/admin/actors",
                        headers={"Authorization": "Bearer nope"})[1]
    check(not any(i in wrong for i in idents), "no personident, wrong token")
    print("one transaction and one sak")
    tx = svc.get_json("/admin/transactions/aap-0001")
    check(tx["state"] == "in_flight" and tx["waitingForKvittering"],
          "aap-0001 waits")
    check("personident" not in tx and "xml" not in tx["oppdrag"][0],
          "no personident or XML without token")
    check(svc.get("/admin/transactions/no-such-key")[0] == 404, "404 tx")
    sak = svc.get_json("/admin/saker/AAP/" + tx["sakId"])
    check([t["key"] for t in sak["queue"]] == ["aap-0001", "aap-0002"],
          "the sak's queue")
    check(sak["accepted"] == [] and sak["exists"] is False,
          "nothing accepted yet")
    check(svc.get("/admin/saker/NOPE/1")[0] == 404, "unknown fagsystem 404")
    print("metrics through the Prometheus parser")
    # Statuses count once the producer delivered them.
    m = wait_for("six HOS_OPPDRAG delivered", lambda: (
        lambda m: m if sample(m, "utsjekk_statuses", {
            "status": "HOS_OPPDRAG"}, "_total") == 6 else None)(
        svc.metrics()), 10)
    consumed = sum(s.value for s in m["utsjekk_records_consumed"].samples)
    check(consumed == 7, f"7 records consumed, got {consumed}")
    check(m["utsjekk_records_consumed"].type == "counter", "a counter")
    check(sample(m, "utsjekk_statuses", {"status": "MOTTATT"}, "_total")
          == 6, "6 MOTTATT")
    check(sample(m, "utsjekk_statuses", {"status": "HOS_OPPDRAG"}, "_total")
          == 6, "6 HOS_OPPDRAG")
    check(sample(m, "utsjekk_oppdrag_sent", None, "_total") == 6, "6 sent")
    for fs in ["AAP", "DAGPENGER", "TILTAKSPENGER", "TILLEGGSSTØNADER",
               "HISTORISK", "VALP"]:
        check(sample(m, "utsjekk_oppdrag_in_flight", {"fagsystem": fs})
              == 1, f"one in flight for {fs}")
    check(sample(m, "utsjekk_messages_queued", {"fagsystem": "AAP"}) == 1,
          "one AAP message queued")
    check(sample(m, "utsjekk_oppdrag_unanswered") == 6, "6 unanswered")
    check(sample(m, "utsjekk_oldest_unanswered_oppdrag_seconds") > 0,
          "the oldest unanswered oppdrag ages")
    check(m["utsjekk_kvittering_wait_seconds"].type == "histogram",
          "the wait is a histogram")
    lags = [s for s in m["utsjekk_consumer_lag"].samples]
    check(len(lags) >= 18 and all(s.value >= 0 for s in lags),
          "a lag per assigned partition")
    print("actions without a valid token, or without who and why")
    path = "/admin/transactions/hist-0001/resend"
    body = {"operator": "e2e", "reason": "testing"}
    status, _, hdrs = svc.act(path, body, token=None)
    check(status == 401 and "WWW-Authenticate" in hdrs, "401 without token")
    check(svc.act(path, body, token="wrong")[0] == 401, "401 wrong token")
    check(svc.act(path, {"operator": "e2e"})[0] == 400, "400 without why")
    check(svc.act(path, {"reason": "x"})[0] == 400, "400 without who")
    check(svc.request("POST", path, b"{not json",
                      {"Authorization": "Bearer " + TOKEN})[0] == 400,
          "400 for bad JSON")
    check(svc.get_json("/admin/transactions/hist-0001")["oppdrag"][0]
          ["sends"] == 1, "nothing was resent")
    print("resend")
    status, answer, _ = svc.act(path, {"reason": "lost at OS"},
                                operator="ola")
    check(status == 202 and answer["oppdrag"] == 1, f"resend: {answer}")
    hist = svc.get_json("/admin/transactions/hist-0001")
    check(hist["oppdrag"][0]["sends"] == 2 and hist["attempt"] == 2,
          "the oppdrag went again, counted")
    check(sample(svc.metrics(), "utsjekk_retries", {"reason": "operator"},
                 "_total") == 1, "an operator retry counted")
    print("manual kvitteringer decide the statuses")
    status, _, _ = svc.act("/admin/transactions/aap-0001/kvittering",
                           {"operator": "kari", "reason": "OS by phone",
                            "alvorlighetsgrad": "00"})
    check(status == 202, "manual 00 accepted")
    svc.wait_status("aap-0001", ["OK"])
    check(wait_for("aap-0002 to go out", lambda: svc.get_json(
        "/admin/transactions/aap-0002")["waitingForKvittering"]),
        "aap-0002 follows aap-0001")
    status, _, _ = svc.act("/admin/transactions/dp-0001/kvittering",
                           {"operator": "kari", "reason": "OS rejected",
                            "alvorlighetsgrad": "08",
                            "beskrMelding": "Avvist manuelt"})
    check(status == 202, "manual 08 accepted")
    dp = svc.wait_status("dp-0001", ["FEILET"])
    last = svc.statuses()["dp-0001"][-1]
    check(last["error"]["msg"] == "Avvist manuelt", f"08's text: {last}")
    check(dp[:2] == ["MOTTATT", "HOS_OPPDRAG"], f"status order: {dp}")
    failed = svc.get_json("/admin/actors")["failed"]
    check([t["key"] for t in failed] == ["dp-0001"], "dp-0001 failed")
    sak = svc.get_json("/admin/saker/AAP/" + tx["sakId"], token=True)
    check(sak["exists"] and len(sak["accepted"]) == 2
          and "personident" in sak["accepted"][0],
          "the accepted state, with the token")
    check(svc.act("/admin/transactions/aap-0001/resend",
                  {"operator": "ola", "reason": "too late"})[0] == 404,
          "no resend of a finished transaction")
    print("park and unpark")
    ts = svc.get_json("/admin/transactions/ts-0001")["sakId"]
    status, answer, _ = svc.act(f"/admin/saker/TILLEGGSSTØNADER/{ts}/park"
                                .replace("Ø", "%C3%98"),
                                {"operator": "kari", "reason": "hold"})
    check(status == 200 and answer["sak"]["parked"], f"parked: {answer}")
    svc.produce(first_of_each_sak(records, ["ts-0002"]))
    svc.act("/admin/transactions/ts-0001/kvittering",
            {"operator": "kari", "reason": "done", "alvorlighetsgrad": "00"})
    svc.wait_status("ts-0001", ["OK"])
    queued = wait_for("ts-0002 to be queued", lambda: svc.get_json(
        "/admin/transactions/ts-0002"))
    check(queued["state"] == "queued", "ts-0002 waits on the parked sak")
    check("ts-0002" not in svc.statuses(), "ts-0002 has no status yet")
    status, answer, _ = svc.act(f"/admin/saker/tilleggsstonader/{ts}/unpark",
                                {"operator": "kari", "reason": "go on"})
    check(status == 200 and not answer["sak"]["parked"], "unparked")
    svc.wait_status("ts-0002", ["HOS_OPPDRAG"])
    print("the audit log")
    with open(svc.audit) as f:
        lines = [json.loads(line) for line in f]
    actions = [(x["operator"], x["action"], x["target"]) for x in lines]
    expected = [
        ("ola", "resend", "transaction hist-0001"),
        ("kari", "kvittering 00", "transaction aap-0001"),
        ("kari", "kvittering 08", "transaction dp-0001"),
        ("ola", "resend", "transaction aap-0001"),
        ("kari", "park", "sak TILLEGGSSTØNADER/" + ts),
        ("kari", "kvittering 00", "transaction ts-0001"),
        ("kari", "unpark", "sak TILLEGGSSTØNADER/" + ts),
    ]
    check(actions == expected, f"audit lines: {actions}")
    check(all(x["reason"] and x["time"] for x in lines), "why and when")
    check(lines[3]["status"] == 404, "a failed action is audited too")
    text = open(svc.audit).read()
    check(not any(i in text for i in idents), "no personident in audit")
    check("admin audit" in open(svc.log).read(), "audit at INFO")
    m = svc.metrics()
    check(sample(m, "utsjekk_kvitteringer", {"alvorlighetsgrad": "00"},
                 "_total") == 2, "two 00")
    check(sample(m, "utsjekk_kvitteringer", {"alvorlighetsgrad": "08"},
                 "_total") == 1, "one 08")
    check(sample(m, "utsjekk_kvittering_wait_seconds", None, "_count") == 3,
          "three waits observed")
    print("hostile requests")
    hostile(svc)
    check(svc.get("/internal/isalive")[0] == 200, "alive after it all")


def hostile(svc):
    status, _, _ = svc.request("POST", "/admin/saker/AAP/X/park",
                               b"x" * 200_000,
                               {"Authorization": "Bearer " + TOKEN})
    check(status == 413, f"oversize body: {status}")
    check(svc.get("/no/such/path")[0] == 404, "unknown path 404")
    check(svc.request("DELETE", "/admin/actors")[0] == 405, "405")
    check(svc.get("/admin/transactions/%zz")[0] == 400, "bad escape 400")
    # Garbage instead of HTTP.
    with socket.create_connection(("127.0.0.1", svc.port), 5) as s:
        s.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        check(s.recv(100).startswith(b"HTTP/1.1 400"), "garbage: 400")
    # A client that stalls mid-request is answered 408 and dropped after
    # the request timeout (1 s here); others are served meanwhile.
    slow = socket.create_connection(("127.0.0.1", svc.port), 5)
    slow.sendall(b"GET /admin/actors HTTP/1.1\r\nHost: x\r\nX-Slo")
    check(svc.get("/internal/isalive")[0] == 200, "served beside a stall")
    check(slow.recv(100).startswith(b"HTTP/1.1 408"), "the stall gets 408")
    slow.close()
    # More connections than allowed (100 here): the extra ones get 503,
    # the idle ones are dropped after the request timeout, and service
    # goes on.
    socks = [socket.create_connection(("127.0.0.1", svc.port), 5)
             for _ in range(150)]
    refused = 0
    for s in socks:
        s.settimeout(5)
        try:
            data = s.recv(100)
        except socket.timeout:
            data = b""
        if data.startswith(b"HTTP/1.1 503"):
            refused += 1
        s.close()
    check(refused >= 50, f"connections past the limit get 503: {refused}")
    wait_for("service after the flood",
             lambda: svc.get("/internal/isalive")[0] == 200, 10)


# -- scenario: load ----------------------------------------------------------

def scenario_load(args, work):
    svc = Service(args.utsjekk, work)
    try:
        replay = subprocess.Popen(
            [args.replay, "--bootstrap", svc.bootstrap, "--input",
             os.path.join(args.examples, "basic.jsonl"), "--expect",
             os.path.join(args.examples, "basic.expected.jsonl"),
             "--timeout", "120"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        paths = ["/internal/isalive", "/internal/isready",
                 "/internal/metrics", "/admin/actors",
                 "/admin/transactions/aap-0001", "/admin/saker/AAP/AAP4Q1C",
                 "/admin"]
        answered = {}
        for wave in range(3):
            barrier = threading.Barrier(200)

            def one(i):
                barrier.wait(10)
                path = paths[i % len(paths)]
                try:
                    return svc.request("GET", path, timeout=20)[0]
                except Exception as e:  # noqa: BLE001 - count, then fail
                    return repr(e)
            with concurrent.futures.ThreadPoolExecutor(200) as pool:
                results = list(pool.map(one, range(200)))
            for r in results:
                answered[r] = answered.get(r, 0) + 1
            print(f"wave {wave + 1}: {sorted(set(results), key=str)}")
        out, _ = replay.communicate(timeout=180)
        print(out.decode()[-3000:])
        check(replay.returncode == 0, "the replay's expectations hold")
        bad = {k: v for k, v in answered.items()
               if not isinstance(k, int) or k not in (200, 404, 503)}
        check(not bad, f"every request answered with HTTP: {bad}")
        check(answered.get(200, 0) >= 500, f"most answered 200: {answered}")
        m = svc.metrics()
        terminal = sum(sample(m, "utsjekk_statuses", {"status": s},
                              "_total") for s in ("OK", "FEILET"))
        check(terminal >= 20, f"terminal statuses counted: {terminal}")
        svc.stop()
    finally:
        svc.kill()
    print("e2e admin load: all checks hold")


# -- scenario: page ----------------------------------------------------------

def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def scenario_page(args, work):
    browser = chromium()
    if browser is None:
        if os.environ.get("UTSJEKK_BROWSER_TESTS") == "1":
            raise Failure("UTSJEKK_BROWSER_TESTS=1 but no chromium")
        print("skipped: no chromium (set UTSJEKK_BROWSER_TESTS=1 to "
              "require it)")
        return SKIP
    records = load_examples(args.examples)
    keys = ["aap-0001", "dp-0001", "hist-0001"]
    svc = Service(args.utsjekk, work, "--os.latency-min=10min",
                  "--os.latency-max=10min")
    try:
        svc.produce(first_of_each_sak(records, keys))
        wait_for("three oppdrag waiting", lambda: len(
            svc.get_json("/admin/actors")["waiting"]) == 3)
        url = f"http://127.0.0.1:{svc.port}/admin"

        def run(*extra):
            profile = tempfile.mkdtemp(dir=work)
            cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-quic", "--no-first-run",
                   "--disable-background-networking",
                   "--disable-component-update", "--disable-sync",
                   "--user-data-dir=" + profile, "--window-size=1280,900",
                   "--virtual-time-budget=5000", *extra, url]
            return subprocess.run(cmd, capture_output=True, timeout=120,
                                  cwd=work)
        print("the page's DOM after its JavaScript ran")
        dom = run("--dump-dom").stdout.decode()
        rows = re.search(r'<table id="waiting">.*?</table>', dom, re.S)
        check(rows, "the waiting table is there")
        for key in keys:
            check(key in rows.group(0), f"the page shows {key} waiting")
        check('id="waiting-count">3<' in dom, "the count says 3")
        print("the screenshot")
        shot = os.path.join(work, "admin-page.png")
        result = run("--screenshot=" + shot)
        check(os.path.exists(shot) and os.path.getsize(shot) > 10_000,
              "a screenshot: " + result.stderr.decode()[-500:])
        if args.artifacts:
            os.makedirs(args.artifacts, exist_ok=True)
            shutil.copy(shot, os.path.join(args.artifacts,
                                           "admin-page.png"))
        svc.stop()
    finally:
        svc.kill()
    print("e2e admin page: all checks hold")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["endpoints", "load", "page"])
    parser.add_argument("--utsjekk", required=True)
    parser.add_argument("--replay", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--artifacts")
    args = parser.parse_args()
    # Paths from meson are relative to the build directory; utsjekk runs
    # in its own work directory.
    for name in ("utsjekk", "replay", "examples", "artifacts"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    work = tempfile.mkdtemp(prefix="utsjekk-admin-")
    try:
        scenario = {"endpoints": scenario_endpoints, "load": scenario_load,
                    "page": scenario_page}[args.scenario]
        return scenario(args, work) or 0
    except Failure as e:
        print("FAILED:", e, file=sys.stderr)
        log = os.path.join(work, "log")
        if os.path.exists(log):
            print("".join(open(log).readlines()[-30:]), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
