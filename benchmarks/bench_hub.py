"""Benchmark the class server: hub start, spawn time, memory per process, and N students each with a case open.

Runs as root (it creates N throw-away Unix users, as `make hub-users` does, and removes them at the end): the hub
starts on free ports in a temp folder (tests/hub/harness.py), one student's server is started alone, then the other
students' servers all at once; each student opens a case in a kernel of their own (the casebook and its widgets
loaded, a CaseApp shown), then all submit a case at the same moment. Prints start and spawn times, RSS and PSS of the
hub, the proxy, each user server and each kernel, how much memory the class took from the machine, and what that
means for this machine. Never asserts on time.

    .venv/bin/python benchmarks/bench_hub.py --students 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hub.harness import (  # noqa: E402 - the hub tests' harness lives under tests/
    CLASS_PASSWORD,
    ClassServer,
    Kernel,
    Student,
    classroom,
    unique_names,
)

CASE_ID = "dvt-after-long-flight"
OPEN_CASE = f"""
import casebook
from casebook.progress import ProgressStore
from casebook.ui import CaseApp

book = casebook.load()
store = ProgressStore()
store.alias = "bench"
app = CaseApp(book, {CASE_ID!r}, alias="bench", on_submit=[store.record_session])
display(app)
print("case open")
"""
SUBMIT = f"""
import time
from casebook.session import CaseSession
t0 = time.perf_counter()
case = book.cases[{CASE_ID!r}]
session = CaseSession(book, case, alias="bench")
for q in case.key_questions:
    session.ask(q)
session.diagnose([case.diagnosis], 80)
session.decide(case.correct_steps[0].step)
session.submit()
store.record_session(session)
print(round(time.perf_counter() - t0, 4))
"""
MIB = 1024 * 1024


def memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MiB; PSS shares each shared page among the processes that map it."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def mem_available() -> float:
    """MemAvailable of the machine in MiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def spread(values: list[float], unit: str = "s") -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(values):.2f} {unit}, p95 {p95:.2f} {unit}, "
        f"min {min(values):.2f}, max {max(values):.2f} (n={len(values)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20, help="simulated students (default 20)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench_hub.py creates Unix users (one per student) and must run as root.", file=sys.stderr)
        return 1
    roles = ["teacher", *(f"s{n:02d}" for n in range(1, args.students + 1))]
    names = unique_names(*roles)
    students = tuple(names[r] for r in roles[1:])
    server = ClassServer.create(names["teacher"], students)
    figures: dict = {"students": args.students, "cores": os.cpu_count(), "mem_total_mib": None}
    figures["load_average_at_start"] = round(os.getloadavg()[0], 1)  # other work on the machine skews the times
    kernels: list[Kernel] = []
    try:
        available_before = mem_available()
        server.create_users()
        figures["hub_start_s"] = round(server.start(), 2)
        hub_pid = classroom.read_pid(classroom.hub_pid_file(server.settings))
        proxy_pid = classroom.read_pid(classroom.proxy_pid_file(server.settings))
        culler = [p for p in children(hub_pid) if "idle_culler" in classroom.command_line(p)]
        logged = [Student(server, name, CLASS_PASSWORD) for name in students]

        def spawn(student: Student) -> float:
            t0 = time.monotonic()
            student.request_server()
            student.wait_ready(timeout=600)
            return time.monotonic() - t0

        figures["spawn_alone_s"] = round(spawn(logged[0]), 2)
        t0 = time.monotonic()
        with ThreadPoolExecutor(len(logged)) as pool:
            burst = list(pool.map(spawn, logged[1:]))
        figures["spawn_burst"] = {"servers": len(burst), "wall_s": round(time.monotonic() - t0, 2), "each": burst}
        time.sleep(3)  # let the servers settle after start-up
        servers = {name: pid for name, pid in classroom.server_pids(server.settings).items() if name in students}
        figures["rss_pss_mib"] = {
            "hub": memory(hub_pid),
            "proxy": memory(proxy_pid),
            "idle_culler": memory(culler[0]) if culler else None,
            "user_server_idle": [memory(pid) for pid in servers.values()],
        }
        available_servers = mem_available()

        def open_case(student: Student) -> tuple[Kernel, float]:
            t0 = time.monotonic()
            kernel = Kernel(student, timeout=600)  # the server answers the websocket once the kernel runs
            kernel.run(OPEN_CASE, timeout=600)
            return kernel, time.monotonic() - t0

        t0 = time.monotonic()
        with ThreadPoolExecutor(len(logged)) as pool:
            opened = list(pool.map(open_case, logged))
        kernels = [k for k, _ in opened]
        figures["open_case"] = {"wall_s": round(time.monotonic() - t0, 2), "each": [round(s, 2) for _, s in opened]}
        time.sleep(2)
        kernel_pids = [p for pid in servers.values() for p in children(pid) if "ipykernel" in classroom.command_line(p)]
        figures["rss_pss_mib"]["kernel_with_case_open"] = [memory(p) for p in kernel_pids]
        figures["rss_pss_mib"]["user_server_with_kernel"] = [memory(pid) for pid in servers.values()]
        available_open = mem_available()

        def submit(kernel: Kernel) -> tuple[float, float]:
            t0 = time.monotonic()
            inside = float(kernel.run(SUBMIT, timeout=600).strip().splitlines()[-1])
            return time.monotonic() - t0, inside

        with ThreadPoolExecutor(len(kernels)) as pool:
            submitted = list(pool.map(submit, kernels))
        figures["submit_all_at_once"] = {
            "round_trip_s": [s for s, _ in submitted],
            "in_kernel_ms": [k * 1000 for _, k in submitted],
        }
        figures["mem_available_mib"] = {
            "before": round(available_before),
            "servers_up": round(available_servers),
            "cases_open": round(available_open),
        }

        def voila(student: Student) -> float:
            t0 = time.monotonic()
            page = student.on_server("GET", "voila/render/notebooks/student/01-play-a-case.ipynb", timeout=600)
            page.raise_for_status()
            return time.monotonic() - t0

        before = {pid: set(children(pid)) for pid in servers.values()}
        t0 = time.monotonic()
        with ThreadPoolExecutor(len(logged)) as pool:
            rendered = list(pool.map(voila, logged))
        figures["voila_all_at_once"] = {"wall_s": round(time.monotonic() - t0, 2), "each": rendered}
        time.sleep(2)
        new_kernels = [p for pid in servers.values() for p in set(children(pid)) - before[pid]]
        figures["rss_pss_mib"]["voila_kernel"] = [memory(p) for p in new_kernels]
        server.stop_hub()  # the hub restarted mid-seminar: the servers must still be there afterwards
        figures["hub_restart_s"] = round(server.start(), 2)
        back = classroom.server_pids(server.settings)
        figures["servers_back_after_restart"] = sum(back.get(name) == pid for name, pid in servers.items())
        for kernel in kernels:
            kernel.connect(timeout=600)
        figures["kernels_answering_after_restart"] = sum(k.run("print(1)").strip() == "1" for k in kernels)
        figures["mem_available_drop_per_student_mib"] = round((available_before - available_open) / len(logged), 1)
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                figures["mem_total_mib"] = round(int(line.split()[1]) / 1024)
    except BaseException:
        logs = REPO / "benchmarks" / "results" / "hub-logs"
        server.keep_logs(logs)
        print(f"bench_hub.py failed; the hub's and the proxy's logs are in {logs}", file=sys.stderr)
        raise
    finally:
        for kernel in kernels:
            kernel.close()
        server.stop_everything()
    left = server.leftovers()
    report(figures)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    if left:
        print("LEFT BEHIND:", left, file=sys.stderr)
        return 1
    return 0


def row(label: str, text: str) -> None:
    print(f"  {label:<42} {text}")


def both(pairs: list[tuple[float, float]] | tuple[float, float] | None) -> str:
    """RSS and PSS of one process, or their medians over several."""
    if not pairs:
        return "-"
    if isinstance(pairs[0], (int, float)):  # one process: (rss, pss)
        return f"RSS {pairs[0]:.0f} MiB, PSS {pairs[1]:.0f} MiB"
    rss, pss = (statistics.median(p[i] for p in pairs) for i in (0, 1))
    return f"RSS median {rss:.0f} MiB, PSS median {pss:.0f} MiB (n={len(pairs)})"


def report(f: dict) -> None:
    mem, burst, sub, avail = f["rss_pss_mib"], f["spawn_burst"], f["submit_all_at_once"], f["mem_available_mib"]
    print(
        f"class server, {f['students']} simulated students, {f['cores']} cores, {f['mem_total_mib']} MiB memory "
        f"(load average {f['load_average_at_start']} at the start)"
    )
    row("hub start (command to /hub/api 200)", f"{f['hub_start_s']:.2f} s")
    row("one server started alone", f"{f['spawn_alone_s']:.2f} s")
    row(f"{burst['servers']} servers started at once", f"all ready after {burst['wall_s']:.1f} s")
    row("", f"each: {spread(burst['each'])}")
    row("hub", both(mem["hub"]))
    row("proxy", both(mem["proxy"]))
    row("idle culler", both(mem["idle_culler"]))
    row("user server, idle", both(mem["user_server_idle"]))
    row("user server, with a kernel", both(mem["user_server_with_kernel"]))
    row("kernel with a case open", both(mem["kernel_with_case_open"]))
    row("a case opened in every kernel at once", f"all done after {f['open_case']['wall_s']:.1f} s")
    row("", f"each: {spread(f['open_case']['each'])}")
    row("everyone submits at the same moment", f"round trip {spread(sub['round_trip_s'])}")
    row("", f"inside the kernel {spread(sub['in_kernel_ms'], 'ms')}")
    row("hub restarted with every case open", f"{f['hub_restart_s']:.2f} s to /hub/api 200")
    back, answering = f["servers_back_after_restart"], f["kernels_answering_after_restart"]
    row("", f"{back} servers still running, {answering} kernels answer")
    voila = f["voila_all_at_once"]
    row("everyone opens the play notebook in Voila", f"all rendered after {voila['wall_s']:.1f} s")
    row("", f"each: {spread(voila['each'])}")
    row("kernel a Voila page leaves behind", both(mem["voila_kernel"]))
    row("memory available before", f"{avail['before']} MiB")
    row("  with every server up", f"{avail['servers_up']} MiB")
    row("  with every case open", f"{avail['cases_open']} MiB")
    row(
        "  drop per student",
        f"{f['mem_available_drop_per_student_mib']:.0f} MiB (moves with other work on the machine)",
    )
    # Capacity from PSS (each shared page split among the processes that map it), which other work does not move.
    pss = {k: statistics.median(p[1] for p in mem[k]) for k in ("user_server_with_kernel", "kernel_with_case_open")}
    voila_pss = statistics.median(p[1] for p in mem["voila_kernel"]) if mem["voila_kernel"] else 0.0
    fixed = sum(mem[k][1] for k in ("hub", "proxy", "idle_culler") if mem[k])
    usable = f["mem_total_mib"] - 2048 - fixed  # keep 2 GiB for the system and the teacher
    case_open = pss["user_server_with_kernel"] + pss["kernel_with_case_open"]
    row(
        "per student, PSS: server + case open",
        f"{case_open:.0f} MiB; with a Voila page open too {case_open + voila_pss:.0f} MiB",
    )
    row(
        "memory holds about",
        f"{int(usable / case_open)} students ({int(usable / (case_open + voila_pss))} with Voila too)",
    )


if __name__ == "__main__":
    sys.exit(main())
