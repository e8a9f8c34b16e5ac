#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the SES benchmark results into a table of ratios and a plot.

    report.py OUTDIR

reads OUTDIR/raw.txt (bench/run.sh, in the VM) and OUTDIR/callgrind.txt
(bench/callgrind.sh, on the host), writes OUTDIR/results.md, and, when
gnuplot is there, OUTDIR/results.png (from OUTDIR/results.dat and
OUTDIR/results.gp), and prints the table. Every figure is the median over
the rounds of one boot, with its spread (half the range, in percent of
the median); ratios are ratios of medians.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys

PEERS = [("tcp", "TCP"), ("tcpf", "TCP framed"), ("sctp", "SCTP"),
         ("ses", "SES")]
NETS = ["lo", "veth"]

# (case, metric, label, unit, higher_is_better, goal)
# goal: (peer, op, bound): SES/peer op bound, or "mem" for scale
ROWS = [
    ("bulk", "mib_per_s", "bulk 64 KiB", "MiB/s", True,
     [("tcp", ">=", 0.95)]),
    ("msg64", "msgs_per_s", "messages 64 B", "msg/s", True,
     [("tcpf", ">=", 1.0), ("sctp", ">=", 1.0)]),
    ("msg1k", "msgs_per_s", "messages 1 KiB", "msg/s", True,
     [("tcpf", ">=", 1.0), ("sctp", ">=", 1.0)]),
    ("rr", "p50_us", "ping-pong 64 B p50", "us", False,
     [("tcp", "<=", 1.10)]),
    ("rr", "p99_us", "ping-pong 64 B p99", "us", False,
     [("tcp", "<=", 1.10)]),
    ("setup", "conns_per_s", "set-up (connect, 1 msg, close)", "conn/s",
     True, [("tcp", ">=", 0.5)]),
]
SCALE_METRICS = [
    ("slab_per_endpoint", "idle: slab per endpoint", "octets"),
    ("memfree_per_endpoint", "idle: MemFree drop per endpoint", "octets"),
]
# recover (veth only): SES's figures, TCP's as a reference (no break)
REC_METRICS = [
    ("first_ms", "recovery: link restore to first message", "ms"),
    ("gap_ms", "recovery: receiver's gap", "ms"),
    ("post_ratio", "recovery: msg/s 1st s after restore ÷ before cut",
     "ratio"),
]
REC_COUNTS = ("lost", "dup", "reordered")
DIAG = [("cpu_us_per_msg", "CPU us/msg"), ("ctxt_per_msg", "ctx sw/msg"),
        ("segs_per_msg", "segs/msg")]


def parse(path):
    """RESULT lines as dicts; FAIL lines; comment lines."""
    res, fails, notes = [], [], []
    if not os.path.exists(path):
        return res, fails, notes
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                notes.append(line)
                continue
            kind, _, rest = line.partition(" ")
            d = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
            if kind == "RESULT":
                res.append(d)
            elif kind == "FAIL":
                fails.append(d)
    return res, fails, notes


def values(res, case, net, peer, metric):
    """The metric of the runs that succeeded."""
    out = []
    for d in res:
        if "status" in d:
            continue
        if (d.get("case"), d.get("net"), d.get("peer")) == (case, net, peer):
            try:
                out.append(float(d[metric]))
            except (KeyError, ValueError):
                pass
    return out


def med(v):
    return statistics.median(v) if v else None


def spread(v):
    m = med(v)
    if not v or not m:
        return None
    return (max(v) - min(v)) / 2 / m * 100


def fmt(x):
    if x is None:
        return "-"
    if isinstance(x, int):
        return str(x)
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def cell(v):
    m = med(v)
    if m is None:
        return "-"
    s = spread(v)
    return f"{fmt(m)} ±{s:.0f}%" if s is not None and len(v) > 1 \
        else fmt(m)


def ratio(a, b):
    return a / b if a is not None and b else None


def check(r, op, bound):
    if r is None:
        return None
    return r >= bound if op == ">=" else r <= bound


def table(res, fails, callgrind):
    lines = []
    plot = []
    verdicts = []
    hdr = ["workload", "net", "unit"] + [p[1] for p in PEERS] + \
        ["SES÷TCP", "SES÷framed", "SES÷SCTP", "goal", "met"]
    lines.append("| " + " | ".join(hdr) + " |")
    lines.append("|" + "---|" * len(hdr))
    for case, metric, label, unit, higher, goals in ROWS:
        for net in NETS:
            v = {p: values(res, case, net, p, metric) for p, _ in PEERS}
            if not any(v.values()):
                continue
            m = {p: med(v[p]) for p in v}
            rs = {p: ratio(m["ses"], m[p]) for p in ("tcp", "tcpf", "sctp")}
            gtxt, met = [], []
            for peer, op, bound in goals:
                ok = check(rs[peer], op, bound)
                name = dict(PEERS)[peer]
                gtxt.append(f"{op} {bound:g}× {name}")
                met.append("?" if ok is None else ("yes" if ok else "**no**"))
                verdicts.append((f"{label}, {net}, vs {name}", rs[peer], op,
                                 bound, ok))
            lines.append("| " + " | ".join(
                [label, net, unit] + [cell(v[p]) for p, _ in PEERS] +
                [fmt(rs["tcp"]), fmt(rs["tcpf"]), fmt(rs["sctp"]),
                 ", ".join(gtxt), ", ".join(met)]) + " |")
            # plot: SES relative to each peer, higher is better
            rel = [r if r is None or higher else (1 / r if r else None)
                   for r in (rs["tcp"], rs["tcpf"], rs["sctp"])]
            plot.append((f"{label} ({net})", rel))
    for metric, label, unit in SCALE_METRICS:
        v = {p: values(res, "scale", "lo", p, metric) for p, _ in PEERS}
        if not any(v.values()):
            continue
        m = {p: med(v[p]) for p in v}
        diff = m["ses"] - m["tcp"] if m["ses"] is not None and \
            m["tcp"] is not None else None
        ok = None if diff is None else diff <= 1024
        rs = {p: ratio(m["ses"], m[p]) for p in ("tcp", "tcpf", "sctp")}
        if metric == "slab_per_endpoint":
            verdicts.append((f"{label} vs TCP (SES - TCP = {fmt(diff)} "
                             "octets)", diff, "<=", 1024, ok))
            plot.append((f"{label} (lo)",
                         [1 / r if r else None
                          for r in (rs["tcp"], rs["tcpf"], rs["sctp"])]))
        lines.append("| " + " | ".join(
            [label, "lo", unit] + [cell(v[p]) for p, _ in PEERS] +
            [fmt(rs["tcp"]), "-", fmt(rs["sctp"]), "<= TCP + 1024",
             "?" if ok is None else ("yes" if ok else "**no**")]) + " |")
    rec_rows, rec_verdicts = recovery_rows(res)
    lines += rec_rows
    verdicts += rec_verdicts
    return lines, plot, verdicts


def rec_counts(res, peer):
    """lost, duplicated, reordered summed over every recovery run of peer
    (failed ones included), and the number of runs; None without runs."""
    runs = [d for d in res if d.get("case") == "recover" and
            d.get("peer") == peer]
    if not runs:
        return None, 0
    return [sum(int(d.get(k, 0)) for d in runs) for k in REC_COUNTS], \
        len(runs)


def recovery_rows(res):
    """The recovery rows: no ratios (TCP keeps its connection through the
    cut, SES's breaks and resumes), TCP's figures marked as a reference."""
    lines, verdicts = [], []
    if not any(d.get("case") == "recover" for d in res):
        return lines, verdicts
    for metric, label, unit in REC_METRICS:
        v = {p: values(res, "recover", "veth", p, metric) for p, _ in PEERS}
        cells = [cell(v[p]) + (" (ref.)" if p != "ses" and v[p] else "")
                 for p, _ in PEERS]
        lines.append("| " + " | ".join(
            [label, "veth", unit] + cells + ["-"] * 5) + " |")
    cells, ok = [], None
    for p, _ in PEERS:
        c, n = rec_counts(res, p)
        cells.append("-" if c is None else " / ".join(map(str, c)) +
                     (" (ref.)" if p != "ses" else ""))
        if p == "ses" and c is not None:
            ok = sum(c) == 0
            verdicts.append((f"recovery, veth: SSDUs lost + duplicated + "
                             f"reordered over {n} runs", sum(c), "<=", 0,
                             ok))
    lines.append("| " + " | ".join(
        ["recovery: lost / duplicated / reordered, all runs", "veth",
         "msgs"] + cells + ["-", "-", "-", "0 / 0 / 0",
                            "?" if ok is None else
                            ("yes" if ok else "**no**")]) + " |")
    return lines, verdicts


def recovery_notes(res):
    """How the recovery rows were measured, with the settings of the runs."""
    ses = [d for d in res if d.get("case") == "recover" and
           d.get("peer") == "ses"]
    if not any(d.get("case") == "recover" for d in res):
        return []

    def one(key):
        vals = sorted({d[key] for d in ses if key in d})
        return "/".join(vals) if vals else "?"

    def m(peer, key):
        return fmt(med(values(res, "recover", "veth", peer, key)))
    md = ["## Recovery (veth link cut)", "",
          f"The client streams numbered 1 KiB messages; after 1 s of "
          f"steady stream the client's veth goes down for {one('cut_ms')} "
          f"ms and up again (SIOCSIFFLAGS). The SES sessions run with "
          f"SES_RECONNECT_MAX {one('reconnect_max_ms')} ms and "
          f"SES_USER_TIMEOUT {one('user_timeout_ms')} ms, so that the TCP "
          f"connection under the session fails during the cut and the "
          f"session resumes on a new one (a run that did not resume "
          f"fails), replaying first what the receiving session had not "
          f"acknowledged. The receiver stamps every message (CLOCK_MONOTONIC): "
          f"*link restore to first message* runs from the return of the "
          f"ioctl that brings the link up; the *receiver's gap* from the "
          f"last message before the restore to the first after it; the "
          f"*ratio* is the message rate in the second after the restore "
          f"over the steady rate before the cut; that second includes "
          f"the catch-up of what the sender queued during the cut (up to "
          f"its send buffer), so the ratio can exceed 1 and a ratio "
          f"below 1 is a dip. Every message is "
          f"checked: lost, duplicated and reordered must be 0 (a run with "
          f"any fails).",
          "",
          "TCP (ref.) is not a recovery: its connection survives a 1 s "
          "cut, and its figure is when its retransmission timer, backed "
          "off during the cut, fires again. There is no ratio to it.", "",
          f"Medians, SES: steady {m('ses', 'pre_msgs_per_s')} msg/s, "
          f"{m('ses', 'post_msgs_per_s')} msg/s in the second after the "
          f"restore; resumes per run {m('ses', 'resumes')} (client), "
          f"SSDUs replayed {m('ses', 'replayed')}, duplicates dropped by "
          f"the receiving session {m('ses', 'srv_duplicates')}. TCP: "
          f"steady {m('tcp', 'pre_msgs_per_s')} msg/s, after "
          f"{m('tcp', 'post_msgs_per_s')} msg/s.", ""]
    return md


def diag_table(res):
    lines = ["| workload | net | peer | " +
             " | ".join(d[1] for d in DIAG) + " | CPU busy |",
             "|---|---|---|" + "---|" * (len(DIAG) + 1)]
    for case, metric, label, unit, higher, goals in ROWS[:3]:
        for net in NETS:
            for p, name in PEERS:
                cols = [med(values(res, case, net, p, k)) for k, _ in DIAG]
                util = med(values(res, case, net, p, "cpu_util"))
                if all(c is None for c in cols):
                    continue
                lines.append("| " + " | ".join(
                    [label, net, name] + [fmt(c) for c in cols] +
                    [f"{util * 100:.0f}%" if util is not None else "-"])
                    + " |")
    return lines


def callgrind_table(path):
    if not os.path.exists(path):
        return []
    rows = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("CALLGRIND "):
                continue
            d = dict(kv.split("=", 1) for kv in line.split()[1:])
            rows[(d["op"], int(d["size"]))] = d
    if not rows:
        return []
    lines = ["| payload | TPDUs | encode (codec) | decode (codec) | "
             "encode + decode (codec) | encode + decode (with TPDU walk) |",
             "|---|---|---|---|---|---|"]
    for size in sorted({k[1] for k in rows}):
        e, d = rows.get(("encode", size)), rows.get(("decode", size))
        if not e or not d:
            continue
        ec, dc = float(e["codec_ir_per_ssdu"]), float(d["codec_ir_per_ssdu"])
        et, dt = float(e["total_ir_per_ssdu"]), float(d["total_ir_per_ssdu"])
        name = f"{size // 1024} KiB" if size >= 1024 else f"{size} B"
        lines.append(f"| {name} | {e['tpdus']} | {ec:.0f} | {dc:.0f} | "
                     f"{ec + dc:.0f} | {et + dt:.0f} |")
    return lines


def write_plot(outdir, plot):
    dat = os.path.join(outdir, "results.dat")
    with open(dat, "w") as f:
        f.write("# label ses/tcp ses/tcpf ses/sctp (higher is better)\n")
        for label, rel in plot:
            f.write('"%s" %s\n' % (label, " ".join(
                "NaN" if r is None else f"{r:.4f}" for r in rel)))
    gp = os.path.join(outdir, "results.gp")
    with open(gp, "w") as f:
        f.write(f"""# SES relative to each peer (bench/report.py)
set terminal pngcairo size 1200,640 noenhanced font ",10"
set output "{os.path.join(outdir, 'results.png')}"
set title "SES relative to each peer, one VM boot (higher is better; latency and memory inverted)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set xtics rotate by -35 left
set key above horizontal
set rmargin 18
set bmargin 9
set datafile missing "NaN"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2
plot "{dat}" using 2:xtic(1) title "vs TCP", \\
     "" using 3 title "vs TCP framed", \\
     "" using 4 title "vs SCTP"
""")
    if not shutil.which("gnuplot"):
        print("report: gnuplot not installed, no plot", file=sys.stderr)
        return False
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode:
        print("report: gnuplot failed: " + r.stderr, file=sys.stderr)
        return False
    return True


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = sys.argv[1]
    res, fails, notes = parse(os.path.join(outdir, "raw.txt"))
    main_lines, plot, verdicts = table(res, fails, None)
    cg = callgrind_table(os.path.join(outdir, "callgrind.txt"))
    info = [n[2:] for n in notes if re.match(r"# (kernel|rounds)", n)]

    md = ["# SES benchmark results", ""]
    md += ["Generated by `make bench` (bench/report.py). " +
           "; ".join(info) + ".", ""]
    md += ["Median over the rounds of one VM boot (qemu TCG, so absolute "
           "figures mean little; the ratios are what counts), ± half the "
           "range. SES÷peer is the ratio of medians; for latency and "
           "memory lower is better.", ""]
    md += main_lines + [""]
    if verdicts:
        md += ["## Goals", ""]
        for what, r, op, bound, ok in verdicts:
            state = "not measured" if ok is None else ("met" if ok
                                                       else "MISSED")
            md.append(f"- {what}: {fmt(r)} (goal {op} {bound:g}): {state}")
        md.append("")
    md += recovery_notes(res)
    md += ["## Where the time goes (stream runs)", "",
           "Whole-VM figures over the measured window: CPU time (both "
           "vCPUs, all contexts including SES's kernel workers), context "
           "switches and TCP segments (SCTP packets) per message, both "
           "directions.", ""] + diag_table(res) + [""]
    if cg:
        md += ["## Pure codec per SSDU (callgrind, host, instructions)", "",
               "Encode: ses_dt_prefix + ses_dt_tpdu_hdr per TPDU; decode: "
               "ses_tpkt_len + ses_cotp_decode per TPDU, ses_tsdu_decode "
               "once. No payload copies.", ""] + cg + [""]
    # the caches that grew, from the first round (the others agree)
    scale_notes = [n[2:] for n in notes if re.match(r"# r1 \S+ scale ", n)]
    if scale_notes:
        md += ["## Idle-connection memory, caches that grew", ""] + \
            ["    " + n for n in scale_notes] + [""]
    if fails:
        md += ["## Failed runs", ""] + [
            "- round {round} {net} {case} {peer}: status {status}".format(**f)
            for f in fails] + [""]
    other = [n[2:] for n in notes if n.startswith("#   ")]
    if other:
        md += ["## /proc/net/ses_stat after the runs (non-zero)", ""] + \
            ["    " + n.strip() for n in other] + [""]
    png = write_plot(outdir, plot) if plot else False
    if png:
        md += ["![SES relative to each peer](results.png)", ""]
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write("\n".join(md))
    print("\n".join(main_lines))
    if cg:
        print()
        print("\n".join(cg))
    print()
    for what, r, op, bound, ok in verdicts:
        state = "not measured" if ok is None else ("met" if ok else "MISSED")
        print(f"goal: {what}: {fmt(r)} ({op} {bound:g}) {state}")
    print(f"\nreport: {os.path.join(outdir, 'results.md')}" +
          (f", {os.path.join(outdir, 'results.png')}" if png else ""))
    return 1 if not res else 0


if __name__ == "__main__":
    sys.exit(main())
