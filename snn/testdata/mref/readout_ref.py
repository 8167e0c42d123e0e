#!/usr/bin/python3
"""Independent re-simulation of the read-out layer of docs/MODEL.md 3.3-3.5, 4.4, 5.4 and 7.3.

It re-runs one read-out training, written directly from the per-step description of the
authors' MATLAB read-out code ([M], ModelDB 257609, `trainer.m`) in docs/MODEL.md, on the inputs that
a `gosnn exp readout --out DIR` run recorded:

* DIR/e_spikes.csv   the recurrent network's E spikes (the network is frozen, so they are the
                     whole influence of the network on the read-out layer),
* DIR/report.json    when training began and the steps at which the cycle detector started the
                     supervisor pattern (train_start_ms, train_start_times_ms),
* DIR/weights.mat    gosnn's E→R weights after training (variable W, read-out × E), for the
                     comparison printed at the end.

Only the read-out layer is simulated: 3 supervisor neurons S (exponential IF with adaptive
threshold, Poisson input 1.78 pF at the pattern's rate, 1 kHz baseline), 3 interneurons H (LIF,
1 kHz × 1.78 pF), 3 read-out neurons R (S→R 200 pF, R→H 200 pF, H→R 200 pF inhibitory), and
the plastic E→R synapses (voltage-based STDP with the soft bound 25; x̄ with τ = 5 ms).
Forward Euler at dt = 0.1 ms; inputs of a step act on the next step; the E spikes of a step
reach R in the next step and enter the plasticity in the same step, as in [M].

The Poisson draws of S and H and the initial states are this script's own (numpy, --seed), so
gosnn and this script agree statistically, not spike for spike: compare several seeds. The
ABCBA pattern is built here from docs/MODEL.md 7.3 (A 25-100 and 325-400 ms, B 100-175 and 250-325,
C 175-250, 10 kHz; otherwise 1 kHz).

Usage (with /usr/bin/python3; needs python3-numpy and python3-scipy):

    gosnn exp readout --weights ../shared/data/maes2020/FF60b_2400_nc160.mat --seed 1 --out /tmp/ro1
    /usr/bin/python3 snn/testdata/mref/readout_ref.py /tmp/ro1 --seed 1 [--threshold set|increment]

It prints one JSON line: per R neuron the training spike count, mean and largest E→R weight, for
this re-simulation ("ref") and for gosnn ("gosnn", from weights.mat), and the correlation of
the two weight matrices.
"""

import argparse
import csv
import json
import math
import os
import sys

import numpy as np
from scipy.io import loadmat

DT = 0.1  # ms

# docs/MODEL.md 3.1 (E model, used by R and S with b = 0 and τ_ref = 1 ms) and 3.5 (H).
C, TAU_M, EL_E, DELTA_T, VT_REST, A_T, TAU_T = 300.0, 20.0, -70.0, 2.0, -52.0, 10.0, 30.0
V_RESET, V_PEAK, TAU_REF_RO = -60.0, 20.0, 1.0
EL_I, V_TH_I = -62.0, -52.0
# docs/MODEL.md 4.1: conductance kinetics.
TR_E, TD_E, TR_I, TD_I, E_EXC, E_INH = 1.0, 6.0, 0.5, 2.0, 0.0, -75.0
# docs/MODEL.md 4.4 and 7.3.
W_SR, W_RH, W_HR, W_EXT = 200.0, 200.0, 200.0, 1.78
BASELINE, ON_RATE, H_RATE = 1.0, 10.0, 1.0  # kHz
# docs/MODEL.md 5.4.
A_LTP, A_LTD, TH_LTP, TH_LTD, TAU_X, W_MAX = 8e-4, 1.4e-3, -49.0, -70.0, 5.0, 25.0
TAU_UM, TAU_UP = 10.0, 7.0


def abcba(steps):
    """Element × step rates (kHz) of the ABCBA pattern, 400 ms at DT."""
    p = np.full((3, steps), BASELINE)
    windows = {0: [(25, 100), (325, 400)], 1: [(100, 175), (250, 325)], 2: [(175, 250)]}
    for e, ws in windows.items():
        for a, b in ws:
            p[e, int(round(a / DT)):int(round(b / DT))] = ON_RATE
    return p


class Pop:
    """A population of n neurons: exponential IF with adaptive threshold (lif=False) or LIF."""

    def __init__(self, n, lif, rng):
        self.n, self.lif, self.rng = n, lif, rng
        self.v = V_RESET + (VT_REST - V_RESET) * rng.random(n)
        self.vt = np.full(n, VT_REST)
        self.um = V_RESET + (VT_REST - V_RESET) * rng.random(n)
        self.up = V_RESET + (VT_REST - V_RESET) * rng.random(n)
        self.xre = np.zeros(n)
        self.xde = np.zeros(n)
        self.xri = np.zeros(n)
        self.xdi = np.zeros(n)
        self.in_e = np.zeros(n)  # conductance jumps delivered for the next step, pF
        self.in_i = np.zeros(n)
        self.last = np.full(n, -10**9)
        self.rate = np.zeros(n)
        self.next = np.full(n, math.inf)

    def set_rate(self, i, khz, t):
        """Change neuron i's Poisson rate at time t; a pending arrival keeps its time ([M])."""
        if khz == self.rate[i]:
            return
        self.rate[i] = khz
        if khz <= 0:
            self.next[i] = math.inf
        elif math.isinf(self.next[i]):
            self.next[i] = t + self.rng.exponential() / khz

    def step(self, s, t, increment):
        """Advance one step (step index s, time t in ms); returns the indices that spiked."""
        ie, ii = self.in_e, self.in_i
        self.in_e, self.in_i = np.zeros(self.n), np.zeros(self.n)
        for i in range(self.n):
            while self.next[i] <= t:
                ie[i] += W_EXT
                self.next[i] += self.rng.exponential() / self.rate[i]
        self.xre += -DT * self.xre / TR_E + ie
        self.xde += -DT * self.xde / TD_E + ie
        self.xri += -DT * self.xri / TR_I + ii
        self.xdi += -DT * self.xdi / TD_I + ii
        ge = (self.xde - self.xre) / (TD_E - TR_E)
        gi = (self.xdi - self.xri) / (TD_I - TR_I)
        v = self.v
        free = s > self.last + int(round(TAU_REF_RO / DT))
        if self.lif:
            nv = v + DT * ((EL_I - v) / TAU_M + (ge * (E_EXC - v) + gi * (E_INH - v)) / C)
            nv = np.where(free, nv, v)
            spk = np.flatnonzero(free & (nv > V_TH_I))
        else:
            self.vt += DT / TAU_T * (VT_REST - self.vt)
            self.um += DT / TAU_UM * (v - self.um)
            self.up += DT / TAU_UP * (v - self.up)
            nv = v + DT * ((EL_E - v + DELTA_T * np.exp((v - self.vt) / DELTA_T)) / TAU_M
                           + (ge * (E_EXC - v) + gi * (E_INH - v)) / C)
            nv = np.where(free, nv, v)
            spk = np.flatnonzero(free & (nv > V_PEAK))
            if increment:
                self.vt[spk] += A_T
            else:
                self.vt[spk] = VT_REST + A_T
        nv[spk] = V_RESET
        self.last[spk] = s
        self.v = nv
        return spk


def load_inputs(d):
    with open(os.path.join(d, "report.json")) as f:
        out = json.load(f)
    rep = out["report"]
    if out.get("pattern") != "abcba":
        sys.exit("readout_ref.py: only the abcba pattern is supported, the run used %r" % out.get("pattern"))
    t0, dur = rep["train_start_ms"], rep["train_ms"]
    steps = int(round(dur / DT))
    e_spikes = [[] for _ in range(steps + 1)]
    with open(os.path.join(d, "e_spikes.csv")) as f:
        for row in csv.DictReader(f):
            s = int(round((float(row["time_ms"]) - t0) / DT))
            if 1 <= s <= steps:
                e_spikes[s].append(int(row["neuron"]))
    w_go = loadmat(os.path.join(d, "weights.mat"))["W"]
    ne = w_go.shape[1]
    starts = {int(round((t - t0) / DT)) for t in rep["train_start_times_ms"]}
    return steps, [np.array(x, dtype=int) for x in e_spikes], starts, w_go, ne


def simulate(steps, e_spikes, starts, ne, seed, increment):
    rng = np.random.default_rng(seed)
    n = 3
    pat = abcba(int(round(400 / DT)) + 1)
    S, H, R = Pop(n, False, rng), Pop(n, True, rng), Pop(n, False, rng)
    for i in range(n):
        S.set_rate(i, BASELINE, 0.0)
        H.set_rate(i, H_RATE, 0.0)
    W = np.zeros((n, ne))
    xbar = np.zeros(ne)
    play = None
    r_spikes = np.zeros(n, dtype=int)
    for s in range(1, steps + 1):
        t = s * DT
        if s in starts and play is None:
            play = s
        k = None if play is None else s - play
        if k is not None and k >= pat.shape[1]:
            play, k = None, None
        for i in range(n):
            S.set_rate(i, BASELINE if k is None else pat[i, k], t)
        ss = S.step(s, t, increment)
        hs = H.step(s, t, False)
        rs = R.step(s, t, increment)
        r_spikes[rs] += 1
        # Deliveries for the next step.
        R.in_e[ss] += W_SR
        H.in_e[rs] += W_RH
        R.in_i[hs] += W_HR
        sp = e_spikes[s]
        if len(sp):
            R.in_e += W[:, sp].sum(axis=1)
        # E→R plasticity (docs/MODEL.md 5.4) with this step's E spikes and R's post-reset V.
        xbar *= 1 - DT / TAU_X
        xbar[sp] += 1
        for j in range(n):
            ltp = np.zeros(ne)
            if R.v[j] > TH_LTP and R.up[j] > TH_LTD:
                ltp = A_LTP * (1 - W[j] / W_MAX) * xbar * (R.v[j] - TH_LTP) * (R.up[j] - TH_LTD)
            ltd = np.zeros(ne)
            if len(sp) and R.um[j] > TH_LTD:
                ltd[sp] = A_LTD * (R.um[j] - TH_LTD)
            W[j] = np.maximum(W[j] + DT * (ltp - ltd), 0.0)
    return W, r_spikes


def stats(W):
    return {"mean": [round(float(x), 4) for x in W.mean(axis=1)],
            "max": [round(float(x), 3) for x in W.max(axis=1)]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", help="output directory of gosnn exp readout --out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", choices=["set", "increment"], default="set",
                    help="V_T after an R or S spike: V_T,rest + A_T (set) or V_T + A_T (increment, [M])")
    a = ap.parse_args()
    steps, e_spikes, starts, w_go, ne = load_inputs(a.dir)
    W, r_spikes = simulate(steps, e_spikes, starts, ne, a.seed, a.threshold == "increment")
    out = {"dir": a.dir, "seed": a.seed, "threshold": a.threshold, "steps": steps, "starts": len(starts),
           "ref": dict(stats(W), train_r_spikes=r_spikes.tolist()), "gosnn": stats(w_go),
           "weight_correlation": round(float(np.corrcoef(W.ravel(), w_go.ravel())[0, 1]), 4)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
