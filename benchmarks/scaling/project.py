#!/usr/bin/env python3
"""Weak-scaling projection of the thermo-elastic reference problem to 64 ranks, on paper.

    benchmarks/scaling/project.py RUN_1_RANK RUN_2_RANKS [options] > scaling.md

RUN_* are run folders of benchmarks/heat/run.sh (log.txt, output/statistics.csv, time.*), the
same case on 1 and 2 ranks. What is measured there:
  - the work per rank and step: the later-step time of the 1-rank run (t1), its DoFs (n1), the
    CG iterations per step of the heat (k_h) and of the mechanics (k_m);
  - the communication volume: the ghost DoFs per rank of the 2-rank run (bmgfe's 'partition'
    line), the values one operator application exchanges;
  - what two ranks on one machine cost beyond half the work: t2 - t1/2 (shared memory
    bandwidth, imbalance, the halo exchange in shared memory).

What is modelled (weak scaling: every rank keeps n1 DoFs, the rod grows with the ranks):
  - work per rank: t1 (the same per-rank problem; the per-core memory bandwidth of a cluster
    node with all cores busy is lower than this machine's, see --node-bandwidth-factor);
  - halo exchanges: per CG iteration `--exchanges-per-iteration` exchanges of the fine-level
    ghost layer (operator + smoother applications) plus a coarse-level share; the ghost layer of
    a rank grows from the measured one-interface value to six faces of a compact subdomain,
    times `--sfc-factor` for the less compact space-filling-curve partitions of p4est; each
    exchange costs `--neighbours` messages of latency `--latency` plus the ghost bytes over
    `--bandwidth`;
  - global reductions: `--reductions-per-iteration` allreduces per CG iteration, each
    2 log2(p) latencies;
  - the coarse-grid solve: its measured share of a step (--coarse-share) grows like log2(p)
    (AMG levels and their latency-bound exchanges).
The figures are what a cluster of the stated network would give if the iteration counts stay
as measured (multigrid: mesh-independent; tests/mechanics checks the growth over refinements).
"""
import argparse
import glob
import math
import re
import statistics
import sys


def read_run(folder):
    log = open(folder + "/log.txt").read()
    stats = open(folder + "/output/statistics.csv").read().splitlines()
    cols = {name: i for i, name in enumerate(stats[0].split(","))}
    rows = [line.split(",") for line in stats[1:] if line.strip()]
    wall = [float(r[cols["wall_time_s"]]) for r in rows]
    later = [wall[i] - wall[i - 1] for i in range(2, len(rows))]
    if not later:
        sys.exit("project.py: %s has fewer than 3 rows in statistics.csv" % folder)
    mean_col = lambda name: statistics.mean(int(r[cols[name]]) for r in rows[2:]) if name in cols else 0.0
    run = {
        "step": statistics.mean(later),
        "heat_its": mean_col("linear_iterations_heat"),
        "mech_its": mean_col("linear_iterations_mechanics"),
    }
    m = re.search(r"(\d+) temperature DoFs", log)
    run["heat_dofs"] = int(m.group(1)) if m else 0
    m = re.search(r"(\d+) displacement DoFs", log)
    run["mech_dofs"] = int(m.group(1)) if m else 0
    m = re.search(r"ghost DoFs per rank: temperature (\d+)\.\.(\d+)(?:, displacement (\d+)\.\.(\d+))?", log)
    run["heat_ghosts"] = int(m.group(2)) if m else None
    run["mech_ghosts"] = int(m.group(4)) if m and m.group(4) else 0
    return run


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run1")
    p.add_argument("run2")
    p.add_argument("--max-ranks", type=int, default=64)
    p.add_argument("--latency", type=float, default=2e-6, help="point-to-point latency [s] (InfiniBand: 1-2 us)")
    p.add_argument("--bandwidth", type=float, default=10e9, help="per-rank network bandwidth [B/s] (EDR: ~12 GB/s per node)")
    p.add_argument("--neighbours", type=int, default=26, help="ranks a subdomain exchanges with (3D: up to 26)")
    p.add_argument("--exchanges-per-iteration", type=float, default=10.0,
                   help="fine-level ghost exchanges per CG iteration (1 operator + 2 x Chebyshev degree + transfers)")
    p.add_argument("--reductions-per-iteration", type=float, default=3.0)
    p.add_argument("--sfc-factor", type=float, default=1.5, help="ghost layer of a p4est partition over a compact block's")
    p.add_argument("--coarse-share", type=float, default=0.1, help="share of a 1-rank step in the coarse-grid solve")
    p.add_argument("--coarse-growth", type=float, default=0.1,
                   help="growth of the coarse-grid solve per doubling of the ranks (one more latency-bound AMG level)")
    p.add_argument("--node-bandwidth-factor", type=float, default=1.0,
                   help="work per rank on a full cluster node over this machine's (memory bandwidth per core)")
    a = p.parse_args()

    r1, r2 = read_run(a.run1), read_run(a.run2)
    if r2["heat_ghosts"] is None:
        sys.exit("project.py: no 'partition' line with ghost DoFs in %s/log.txt (bmgfe on 2 ranks prints it)" % a.run2)
    t1, t2 = r1["step"], r2["step"]
    n_nodes = r1["heat_dofs"]  # one temperature DoF per vertex (Q1): the nodes of one rank
    components = round(r1["mech_dofs"] / r1["heat_dofs"]) if r1["mech_dofs"] else 0
    # Ghost nodes of one interface, measured (both fields share the vertices).
    interface_nodes = r2["heat_ghosts"]
    compact_face_nodes = (n_nodes) ** (2.0 / 3.0)  # one face of a cube of n_nodes nodes
    its = r1["heat_its"] + r1["mech_its"]

    def ghosts(p):
        """Ghost vertices per rank with p ranks of n_nodes each: the measured interface with 2
        ranks; from 4 ranks on min(6, log2 p) faces of a compact block of n_nodes vertices, each
        sfc-factor times the block's face."""
        if p == 1:
            return 0.0
        if p == 2:
            return float(interface_nodes)
        return min(6.0, math.log2(p)) * a.sfc_factor * compact_face_nodes

    def comm(p):
        if p == 1:
            return 0.0, 0.0, 0.0
        g = ghosts(p)
        bytes_heat = 8.0 * g
        bytes_mech = 8.0 * g * components
        neighbours = min(a.neighbours, p - 1)
        per_exchange = lambda b: neighbours * a.latency + b / a.bandwidth
        halo = a.exchanges_per_iteration * (r1["heat_its"] * per_exchange(bytes_heat) +
                                            r1["mech_its"] * per_exchange(bytes_mech)) * 8.0 / 7.0
        reductions = a.reductions_per_iteration * its * 2.0 * math.log2(p) * a.latency
        coarse = a.coarse_share * t1 * a.coarse_growth * math.log2(p)
        return halo, reductions, coarse

    print("## Weak-scaling projection of the thermo-elastic reference problem (on paper)\n")
    print("Measured: 1 rank %.3f s per later step (%d temperature + %d displacement DoFs, %.1f heat + %.1f "
          "mechanics CG iterations per step); 2 ranks on this machine %.3f s (%d ghost vertices per rank: "
          "one interface); t2 - t1/2 = %.3f s is what two ranks sharing this machine's memory "
          "bandwidth and cores cost beyond half the work (not network)." %
          (t1, r1["heat_dofs"], r1["mech_dofs"], r1["heat_its"], r1["mech_its"], t2, interface_nodes, t2 - t1 / 2))
    print("\nModel: network latency %.1f us, bandwidth %.0f GB/s per rank, %d neighbours, %.0f ghost exchanges "
          "and %.0f allreduces per CG iteration, p4est partitions %.1fx a compact block's surface, coarse "
          "grid %.0f %% of a step growing by %.0f %% per doubling, work per rank x %.2f on a full node.\n" %
          (a.latency * 1e6, a.bandwidth / 1e9, a.neighbours, a.exchanges_per_iteration,
           a.reductions_per_iteration, a.sfc_factor, 100 * a.coarse_share, 100 * a.coarse_growth, a.node_bandwidth_factor))
    print("| ranks | DoFs (total) | ghost vertices per rank | work per rank [s] | halo exchange [s] | allreduce [s] | coarse-grid growth [s] | step [s] | weak-scaling efficiency |")
    print("|---|---|---|---|---|---|---|---|---|")
    p = 1
    while p <= a.max_ranks:
        work = t1 * (a.node_bandwidth_factor if p > 2 else 1.0)
        halo, red, coarse = comm(p)
        step = work + halo + red + coarse
        print("| %d | %d | %.0f | %.3f | %.4f | %.4f | %.4f | %.3f | %.0f %% |" %
              (p, p * (r1["heat_dofs"] + r1["mech_dofs"]), ghosts(p), work, halo, red, coarse, step, 100 * t1 / step))
        p *= 2


if __name__ == "__main__":
    main()
