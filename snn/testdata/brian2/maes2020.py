#!/usr/bin/python3
"""Brian2 peer baseline for the gosnn Maes, Barahona & Clopath (2020) recurrent network.

This script is a speed reference for the Go simulator. It builds the recurrent network of docs/MODEL.md
(sections 2, 3, 4 and 6) with frozen weights in Brian2's C++ standalone mode, runs it, and prints
one JSON line per run.

Scenarios
  static  2400 AdEx E + 600 LIF I, Bernoulli p = 0.2 on all four pathways (no autapses), uniform
          initial weights (E->E 2.83, E->I 1.96, I->E 62.87, I->I 20.91), spontaneous Poisson input,
          no plasticity. Default 2 s.
  replay  the same neurons with the authors' trained matrix FF60b_2400_nc160.mat (row = post,
          column = pre, E first; 15 clusters of 160), frozen weights. Default 10 s. Also reports
          whether the clusters activate in order (docs/MODEL.md 8 A7 detector).
  plastic static plus vSTDP on E->E (docs/MODEL.md 5.1), iSTDP on I->E (5.2) and subtractive E->E
          normalisation every 20 ms (5.3), plasticity on from t = 0 (gosnn bench --scenario
          plastic). Default 2 s.
  train   plastic plus the sequential training stimulus of docs/MODEL.md 7.1 on 30 clusters of 80 E
          neurons (snn.TrainingSchedule + DefaultTrainingDrive; gosnn bench --scenario train):
          slot s = 1, 2, ... of 15 ms drives cluster s mod 30 during (15s + 1, 15s + 10) ms with
          4.5 + 18 kHz at 1.6 pF; every other E neuron gets 4.5 kHz at -0.8 pF into the excitatory
          conductance (docs/MODEL.md 9 item 1, [J]). Default 2 s.

Needs Debian's python3-brian (Brian2 2.5.1), python3-numpy, g++ and make; python3-scipy is
optional (a small MAT v5 reader is built in). Run with /usr/bin/python3.

Examples
  /usr/bin/python3 maes2020.py static --duration 2 --threads 1 --repeats 3
  /usr/bin/python3 maes2020.py static --duration 2 --threads 2 --repeats 3
  /usr/bin/python3 maes2020.py replay --duration 10 --threads 1 --repeats 3
  /usr/bin/python3 maes2020.py plastic --duration 2 --threads 1 --repeats 3
  /usr/bin/python3 maes2020.py train --duration 2 --threads 1 --repeats 3

The code is generated and compiled once per invocation (build_seconds). The binary is then run
--repeats times. Each run gets a fresh seed from /dev/urandom unless --seed is given. Each run prints:
  wall_seconds    wall-clock time (std::chrono::steady_clock, inserted into main.cpp) around the
                  network run: the time-step loop plus the small before-run set-up of the run
                  (spike queues); excludes array loading, synapse creation and result writing;
  run_cpu_seconds process CPU time (std::clock) over the same section as wall_seconds (summed
                  over OpenMP threads); wall_seconds >> run_cpu_seconds means other jobs took the core;
  brian_run_seconds  Brian2's own Network::_last_run_time for the time-step loop. In 2.5.1 this is
                  std::clock() (process CPU time, not wall time) without OpenMP, and
                  omp_get_wtime() (wall time) with OpenMP;
  binary_seconds  wall time of the whole binary: loading arrays, building synapses, the loop and
                  writing results;
  binary_cpu_seconds  user + system CPU time of the whole binary (getrusage of children); less
                  sensitive to other jobs on the machine than wall time, but includes the set-up;
  rtf             wall_seconds / sim_seconds;
  rtf_cpu         run_cpu_seconds / sim_seconds (CPU seconds per simulated second).
plastic and train also print
  ltp_updates     E->E synapses visited by LTP during the run, counted exactly: every E neuron
                  counts its LTP events (nltp, a run_on_event of the 'ltp' event below), and the
                  total is sum_j nltp_j * (E->E in-degree of j). Same definition as gosnn's
                  snn.Network.LTPUpdates; ltp_updates_per_sim_second is it per simulated second;
  rate_e_slot_cluster_hz, rate_e_other_hz (train, with spike recording)  E rate of the cluster
                  stimulated in a 15-ms slot over that whole slot, and of everything else;
  w_ee_*, w_ie_*  mean, std, min, max of the E->E and I->E weights (pF) at the end of the run
                  (initially 2.83 and 62.87), to check that the weights did change.

Model mapping (Brian2 scheduling: groups -> thresholds -> synapses -> resets within a step):
  * Forward Euler, dt = 0.1 ms, for every variable (method='euler').
  * Conductances: each channel has two auxiliaries x_r, x_d (integral-W kernel,
    g = (x_d - x_r)/(tau_d - tau_r)). Brian2's PoissonInput can only target one variable, so the
    state is held as (x_d, s = x_d - x_r). An event adds W to x_d only (s is unchanged), and
    ds/dt = -x_d/tau_d + x_r/tau_r. Under Euler this is algebraically the same recurrence as
    updating x_r and x_d separately (only the rounding differs).
  * Recurrent delay: in docs/MODEL.md/[J] a spike in step n changes the target's conductance auxiliaries
    that are used by the V update of step n+1 ("delay 0.1 ms" = one step). In Brian2 this is delay 0:
    the synapses slot of step n adds W to x_d after the state update of step n, so the Euler step
    n+1 sees it. Brian2 delay = 0.1 ms would make the effective delay two steps. --brian-delay-ms
    can set such an explicit delay.
  * External Poisson input: PoissonInput with N = 45000 sources at rate/N. That gives
    Binomial(45000, rate*dt/45000) events per neuron and step, exact inversion sampling (N*p =
    0.45 or 0.225 < 5, so Brian2 does not use its normal approximation). This is a Poisson count
    per 0.1-ms step, the same law as [J]'s exponential-interval renewal process. It is applied at
    the same point of the step as recurrent spikes.
  * E threshold V_T and adaptation w: [J] updates them from the previous step's values *before*
    the V update, and the V update uses the new values. Here they are advanced by a run_regularly
    operation at 'before_groups', so the ordering is the same as in [J]. They keep evolving during
    refractoriness.
  * Refractoriness: [J] integrates V only if t > t_spike + 5 ms, so V is clamped for 50 steps after
    the spike step. Brian2 integrates when timestep(t - lastspike) >= timestep(refractory), so
    refractory = 5 ms + dt reproduces 50 clamped steps (5 ms would give 49).

Plasticity (plastic, train), docs/MODEL.md 5.1-5.3 with gosnn's semantics (snn/plasticity.go, snn/step.go):
  * Traces as ODEs of the neuron groups, so Euler advances them from the previous-step V together
    with V (also during refractoriness): E has uminus (u-, 10 ms), uplus (u+, 7 ms), xbar (3.5 ms) and y
    (20 ms); I has y. Spikes add 1 to xbar and y in the reset. uminus and uplus start at the initial V,
    xbar and y at 0 (as snn enableTraces).
  * In gosnn, all plasticity of step n reads the state after the step's spikes and resets. Brian2
    runs resets after the synapses slot, so here the spike resetters of E and I are moved to
    'thresholds' (order 1, right after the thresholders); the synapses slot then sees reset V and
    the incremented xbar and y, like gosnn's delivery phase.
  * LTD, event-driven on the E->E 'pre' pathway after the weight has been delivered:
    w = clip(w - 1.4e-4 pF/mV * [uminus_post + 70 mV]+, 1.45 pF, 32.68 pF).
  * LTP: a custom event 'ltp' of E, 'V > -49 mV and V <= V_peak and uplus > -70 mV' (V <= V_peak
    excludes the neurons that spike this step: in gosnn their V is already reset to -60 mV), drives
    an E->E post-side pathway 'ltp': w = clip(w + dt*8e-4 pF/(mV^2 ms) * (V_post + 49 mV) *
    (uplus_post + 70 mV) * xbar_pre, 1.45, 32.68). This is the fast formulation: only the synapses of
    depolarised neurons are visited (the same ones gosnn visits), instead of a Synapses
    run_regularly every dt over all 1.15 M E->E synapses. It runs after the 'pre' pathways of the
    step (pathway order), as gosnn runs LTP after LTD.
  * iSTDP on I->E (Vogels): 'pre' pathway w = clip(w + eta*(y_post - alpha), 48.7, 243) pF after
    delivery, 'post' pathway (E spike) w = clip(w + eta*y_pre, 48.7, 243) pF; eta = 1 pF,
    alpha = 2 * 3 Hz * 20 ms = 0.12 (snn.DefaultIEPlasticity).
  * Normalisation every 20 ms: the summed variable wsum_post = w of E->E gives the per-neuron sum
    S_j; it is moved to a 20-ms clock (slot 'start') instead of being computed every step, followed
    by a Synapses run_regularly on the same clock:
    w = clip(w - (S_j - N_incoming*2.83 pF)/N_incoming, 1.45, 32.68) pF. S_j^0 = 2.83 pF * n_j
    because all initial E->E weights are 2.83 pF. Brian2 runs it at t = 0, 20, 40 ms (the first is
    a no-op), i.e. one step after gosnn, which normalises before its steps at t = 20, 40, ... ms.
  * Training stimulus (train): a run_regularly of E at 'before_groups' sets stim (0/1) from the
    integer time step. The base drive stays a PoissonInput into xde (4.5 kHz) with the weight
    expression stim*1.6 + (1-stim)*(-0.8) pF; the extra 18 kHz of the stimulated neurons is a
    run_regularly in the synapses slot (where PoissonInput acts), xde += 1.6 pF *
    poisson(stim * 18 kHz * dt), so that only the 80 stimulated neurons draw. The step
    arithmetic puts the stimulated input into the same gosnn steps (t in (15s + 1, 15s + 10) ms,
    89 steps per slot). In gosnn only the next inter-arrival interval drawn after a rate switch
    uses the new rate, so there the stimulus effectively starts one 4.5-kHz interval (0.22 ms,
    about 2 steps on average) later. The stimulated cluster fires at the end of its 9-ms drive,
    so this matters: with the exact window Brian2 gave E 0.94 Hz, I 3.05 Hz, 41.7 M LTP updates
    per simulated second (2 s, seed 2) against gosnn's 0.83-0.84 Hz, 2.92-2.96 Hz and 38.0-38.7 M
    (seeds 1-3); with --stim-onset-lag-steps 2 Brian2 gave 0.80 Hz, 2.90 Hz and 37.8 M.
"""

import argparse
import json
import math
import os
import resource
import struct
import sys
import tempfile
import time
import zlib

import numpy as np

# The authors' matrix sits in ../shared/data/maes2020 beside the checkout (docs/MODEL.md Appendix A);
# this file is snn/testdata/brian2/maes2020.py, four levels below the checkout's parent.
DEFAULT_MATRIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), *(['..'] * 4),
                              'shared', 'data', 'maes2020', 'FF60b_2400_nc160.mat')


# --------------------------------------------------------------------------------------------
# MAT v5 reader (fallback when scipy is absent): one real double matrix, zlib-compressed or not.
# --------------------------------------------------------------------------------------------
def _read_mat_v5(path, want='A'):
    with open(path, 'rb') as f:
        data = f.read()
    endian = '<' if data[126:128] == b'IM' else '>'
    pos = 128
    while pos < len(data):
        typ, nbytes = struct.unpack(endian + 'II', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + nbytes]
        pos += 8 + nbytes + ((8 - nbytes % 8) % 8 if typ != 15 else 0)
        if typ == 15:  # miCOMPRESSED
            body = zlib.decompress(body)
            typ, nbytes = struct.unpack(endian + 'II', body[:8])
            body = body[8:8 + nbytes]
        if typ != 14:  # miMATRIX
            continue
        elems, p = [], 0
        while p < len(body):
            t, n = struct.unpack(endian + 'II', body[p:p + 8])
            if t >> 16:  # small data element format
                n, t = t >> 16, t & 0xFFFF
                elems.append((t, body[p + 4:p + 4 + n]))
                p += 8
            else:
                elems.append((t, body[p + 8:p + 8 + n]))
                p += 8 + n + (8 - n % 8) % 8
        dims = np.frombuffer(elems[1][1], dtype=endian + 'i4')
        name = elems[2][1].decode('ascii')
        if name != want:
            continue
        t, raw = elems[3]
        dt = {9: 'f8', 7: 'f4', 1: 'i1', 2: 'u1', 3: 'i2', 4: 'u2', 5: 'i4', 6: 'u4'}[t]
        arr = np.frombuffer(raw, dtype=endian + dt).astype(np.float64)
        return arr.reshape(tuple(dims), order='F')
    raise KeyError(f'variable {want!r} not found in {path}')


def load_matrix(path):
    try:
        import scipy.io
        return np.asarray(scipy.io.loadmat(path)['A'], dtype=np.float64)
    except ImportError:
        return _read_mat_v5(path, 'A')


# --------------------------------------------------------------------------------------------
# Cluster activation detector of docs/MODEL.md 8 A7: 1-ms bins, Gaussian sigma 3 ms, 20 Hz per
# neuron, peak of each excursion, same-cluster excursions < 40 ms apart merged.
# --------------------------------------------------------------------------------------------
def cluster_order(spike_i, spike_t_ms, n_clusters, csize, t_end_ms, burn_ms=100.0):
    nbins = int(math.ceil(t_end_ms))
    sig = 3.0
    kx = np.arange(-int(4 * sig), int(4 * sig) + 1, dtype=float)
    kern = np.exp(-kx ** 2 / (2 * sig ** 2))
    kern /= kern.sum()
    acts = []  # (time_ms, cluster)
    for c in range(n_clusters):
        sel = (spike_i >= c * csize) & (spike_i < (c + 1) * csize)
        counts = np.bincount(np.minimum(spike_t_ms[sel].astype(int), nbins - 1), minlength=nbins)
        rate = np.convolve(counts.astype(float), kern, mode='same') / csize * 1000.0  # Hz/neuron
        above = rate > 20.0
        edges = np.flatnonzero(np.diff(np.concatenate(([0], above.astype(int), [0]))))
        peaks = []  # [start, end, peak_bin, peak_rate]
        for a, b in zip(edges[0::2], edges[1::2]):
            pk = a + int(np.argmax(rate[a:b]))
            if peaks and a - peaks[-1][1] < 40:  # merge with the previous excursion
                last = peaks[-1]
                last[1] = b
                if rate[pk] > last[3]:
                    last[2], last[3] = pk, rate[pk]
                continue
            peaks.append([a, b, pk, rate[pk]])
        acts += [(p[2], c) for p in peaks if p[2] >= burn_ms]
    acts.sort()
    if len(acts) < 3:
        return {'activations': len(acts)}
    cl = np.array([a[1] for a in acts])
    tt = np.array([a[0] for a in acts], dtype=float)
    fwd = np.sum((cl[1:] - cl[:-1]) % n_clusters == 1)
    steps = np.diff(tt)[((cl[1:] - cl[:-1]) % n_clusters) == 1]
    periods = []
    for c in range(n_clusters):
        tc = tt[cl == c]
        if len(tc) > 1:
            periods += list(np.diff(tc))
    return {
        'activations': int(len(acts)),
        'forward_transitions': int(fwd),
        'transitions': int(len(acts) - 1),
        'in_order': bool(fwd >= 0.95 * (len(acts) - 1)),
        'median_step_ms': float(np.median(steps)) if len(steps) else None,
        'median_period_ms': float(np.median(periods)) if periods else None,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('scenario', choices=['static', 'replay', 'plastic', 'train'])
    ap.add_argument('--duration', type=float, default=None,
                    help='simulated seconds (default: 10 for replay, 2 otherwise)')
    ap.add_argument('--threads', type=int, default=1,
                    help='1 = plain single-threaded C++ (no OpenMP); >1 = OpenMP with that many threads')
    ap.add_argument('--repeats', type=int, default=1, help='binary runs after one build')
    ap.add_argument('--seed', type=int, default=None, help='fixed seed (default: fresh per run)')
    ap.add_argument('--matrix', default=DEFAULT_MATRIX, help='trained matrix for replay')
    ap.add_argument('--build-dir', default=None, help='standalone project directory (default: a new /tmp dir)')
    ap.add_argument('--brian-delay-ms', type=float, default=0.0,
                    help='explicit Brian2 synaptic delay (0 reproduces the one-step delay of docs/MODEL.md; see docstring)')
    ap.add_argument('--omp-wait-policy', default='PASSIVE', choices=['PASSIVE', 'ACTIVE', 'default'],
                    help='OMP_WAIT_POLICY for --threads > 1 (default PASSIVE: with other jobs on the cores, '
                         "libgomp's spinning barriers made a 2-s run take minutes)")
    ap.add_argument('--stim-onset-lag-steps', type=int, default=0,
                    help='train: start each stimulus window this many steps later (default 0: the exact '
                         'docs/MODEL.md 7.1 window). gosnn switches rates for the next drawn inter-arrival '
                         'interval only, so its stimulus starts about 2 steps (0.22 ms, one 4.5-kHz '
                         'interval) later on average; 2 reproduces its spike counts (see the docstring)')
    ap.add_argument('--profile', action='store_true',
                    help='Brian2 per-code-object profiling, printed to stderr (adds timer overhead)')
    ap.add_argument('--size', default='1x', choices=['0.5x', '1x', '2x', '80c'],
                    help='network size for static (gosnn bench --size): N_E = 2400*mult, N_I = N_E/4, '
                         'initial weights * 1/sqrt(mult); 0.5x, 1x, 2x: mult 0.5, 1, 2; 80c: mult 8/3')
    ap.add_argument('--no-monitor', action='store_true', help='count spikes only (no spike times)')
    args = ap.parse_args()
    if args.size != '1x' and args.scenario != 'static':
        ap.error('--size: only the static scenario runs at other sizes')
    mult = {'0.5x': 0.5, '1x': 1.0, '2x': 2.0, '80c': 8.0 / 3}[args.size]

    import brian2 as b2
    from brian2 import (ms, mV, pF, nS, pA, Hz, second, NeuronGroup, Synapses, PoissonInput,
                        SpikeMonitor, Network, Clock, defaultclock, prefs, set_device, device)

    duration_s = args.duration if args.duration is not None else (10.0 if args.scenario == 'replay' else 2.0)
    plastic = args.scenario in ('plastic', 'train')
    train = args.scenario == 'train'

    t0 = time.time()
    set_device('cpp_standalone', build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
    b2.seed(args.seed)  # None -> rk_randomseed at binary start (fresh per run)
    defaultclock.dt = 0.1 * ms
    dt_step = defaultclock.dt

    NE = int(round(2400 * mult))  # docs/MODEL.md 4.2 size scaling (snn.Config.Scaled)
    NI = int(round(600 * mult))
    fw = 1 / mult ** 0.5
    # ---- parameters (docs/MODEL.md 3.1, 3.2, 4.1) ----
    params = dict(
        C=300 * pF, tauE=20 * ms, tauI=20 * ms, EL_E=-70 * mV, EL_I=-62 * mV, DeltaT=2 * mV,
        VT_rest=-52 * mV, A_T=10 * mV, tau_T=30 * ms, V_reset=-60 * mV, V_peak=20 * mV,
        Vth_I=-52 * mV, b_ad=1000 * pA, tau_w=100 * ms,
        E_exc=0 * mV, E_inh=-75 * mV,
        tau_re=1 * ms, tau_de=6 * ms, tau_ri=0.5 * ms, tau_di=2 * ms,
    )
    tau_ref = 5 * ms
    if plastic:
        # docs/MODEL.md 5.1-5.3; snn.DefaultEEPlasticity, DefaultIEPlasticity, DefaultNormalization.
        params.update(
            tau_um=10 * ms, tau_up=7 * ms, tau_x=3.5 * ms, tau_y=20 * ms,
            A_LTD=1.4e-4 * pF / mV, A_LTP=8e-4 * pF / (mV ** 2 * ms),
            theta_ltd=-70 * mV, theta_ltp=-49 * mV, wmin_ee=1.45 * pF, wmax_ee=32.68 * pF,
            w0_ee=2.83 * pF,
            eta_ie=1 * pF, alpha_ie=2 * 0.003 * 20, wmin_ie=48.7 * pF, wmax_ie=243 * pF,
            w_on=1.6 * pF, w_off=-0.8 * pF,
        )

    syn_eqs = '''
    dxde/dt = -xde/tau_de : farad
    dse/dt = -xde/tau_de + (xde - se)/tau_re : farad
    dxdi/dt = -xdi/tau_di : farad
    dsi/dt = -xdi/tau_di + (xdi - si)/tau_ri : farad
    ge = se/(tau_de - tau_re) : siemens
    gi = si/(tau_di - tau_ri) : siemens
    '''
    eqs_E = '''
    dV/dt = (EL_E - V + DeltaT*exp((V - VT)/DeltaT))/tauE + (ge*(E_exc - V) + gi*(E_inh - V) - wad)/C : volt (unless refractory)
    VT : volt
    wad : amp
    ''' + syn_eqs
    eqs_I = '''
    dV/dt = (EL_I - V)/tauI + (ge*(E_exc - V) + gi*(E_inh - V))/C : volt (unless refractory)
    ''' + syn_eqs
    reset_E, reset_I, events_E = 'V = V_reset\nwad += b_ad\nVT = VT_rest + A_T', 'V = V_reset', None
    if plastic:
        # Traces (docs/MODEL.md 5.1, 5.2): Euler from the previous-step V, also while refractory.
        eqs_E += '''
        duminus/dt = (V - uminus)/tau_um : volt
        duplus/dt = (V - uplus)/tau_up : volt
        dxbar/dt = -xbar/tau_x : 1
        dy/dt = -y/tau_y : 1
        wsum : farad
        nltp : 1
        stim : 1
        cluster : integer (constant)
        '''
        eqs_I += '''
        dy/dt = -y/tau_y : 1
        '''
        reset_E += '\nxbar += 1\ny += 1'
        reset_I += '\ny += 1'
        # LTP condition of docs/MODEL.md 5.1 on the post-reset V: V <= V_peak leaves out this step's spikers.
        events_E = {'ltp': 'V > theta_ltp and V <= V_peak and uplus > theta_ltd'}

    E = NeuronGroup(NE, eqs_E, threshold='V > V_peak', reset=reset_E, events=events_E,
                    refractory=tau_ref + dt_step, method='euler', namespace=params, name='E')
    I = NeuronGroup(NI, eqs_I, threshold='V > Vth_I', reset=reset_I,
                    refractory=tau_ref + dt_step, method='euler', namespace=params, name='I')
    if plastic:
        # Resets before the synapses slot, so that plasticity sees this step's reset V and the
        # incremented xbar and y, as in gosnn's delivery phase (see the docstring).
        for G in (E, I):
            G.resetter['spike'].when = 'thresholds'
            G.resetter['spike'].order = 1
        E.run_on_event('ltp', 'nltp += 1')
    # [J] order: V_T and w are advanced (from previous-step values) before V is integrated.
    E.run_regularly('VT = VT + dt*(VT_rest - VT)/tau_T\nwad = wad - dt*wad/tau_w',
                    when='before_groups', name='E_threshold_adaptation')
    E.V = 'V_reset + rand()*(VT_rest - V_reset)'
    I.V = 'V_reset + rand()*(VT_rest - V_reset)'
    E.VT = params['VT_rest']
    if plastic:
        E.uminus = 'V'  # snn enableTraces: u-, u+ start at the current V; xbar, y at 0
        E.uplus = 'V'
        E.cluster = 'i // 80'  # snn.DefaultConfig: 30 clusters of 80

    # ---- external Poisson input (docs/MODEL.md 4.3) ----
    NP = 45000
    inputs = []
    if train:
        # docs/MODEL.md 7.1 schedule (snn.TrainingSchedule) in gosnn steps: step n (t = n*dt) of slot
        # s = n // 150 is stimulated for s >= 1, cluster s mod 30 and 11 <= n - 150*s <= 99 (t in
        # (15s + 1, 15s + 10) ms). The PoissonInput of Brian2 step k feeds the conductance update
        # of gosnn step k + 2 (docstring), hence kg = k + 2.
        slot = int(round(15 * ms / dt_step))
        on0, on1 = int(math.floor(1 * ms / dt_step + 1e-9)) + 1, int(math.ceil(10 * ms / dt_step - 1e-9)) - 1
        on0 = min(on0 + args.stim_onset_lag_steps, on1 + 1)
        E.run_regularly(f'''
        kg = timestep(t, dt) + 2
        slot = kg // {slot}
        pos = kg - {slot}*slot
        stim = int(slot >= 1 and cluster == slot % 30 and pos >= {on0} and pos <= {on1})
        ''', when='before_groups', order=1, name='E_training_schedule')
        inputs.append(PoissonInput(E, 'xde', NP, 4.5e3 / NP * Hz, weight='stim*w_on + (1 - stim)*w_off'))
        # The extra 18 kHz of the stimulated cluster: a Poisson count per step drawn only where
        # stim = 1 (poisson(0) returns 0 without drawing). A second PoissonInput with weight
        # stim*w_on would sample a binomial for all 2400 neurons every step (0.86 of 2.9 CPU s per
        # simulated second in a --profile run), for input that only 80 of them receive.
        params['lam_stim'] = float(18e3 * Hz * dt_step)
        E.run_regularly('xde += w_on*poisson(stim*lam_stim)', when='synapses', order=0,
                        name='E_training_drive')
    else:
        inputs.append(PoissonInput(E, 'xde', NP, 4.5e3 / NP * Hz, weight=1.6 * pF))
    inputs.append(PoissonInput(I, 'xde', NP, 2.25e3 / NP * Hz, weight=1.52 * pF))

    # ---- recurrent synapses ----
    def mk(pre, post, chan, name):
        S = Synapses(pre, post, 'w : farad (constant)', on_pre=f'xd{chan}_post += w',
                     namespace=params, name=name)
        return S

    if plastic:
        # E->E: LTD on the pre pathway after delivery, LTP on the post-side 'ltp' event pathway,
        # sums for the normalisation (docs/MODEL.md 5.1, 5.3).
        S_EE = Synapses(E, E, '''
                        w : farad
                        wsum_post = w : farad (summed)
                        ''',
                        on_pre='xde_post += w\n'
                               'w = clip(w - A_LTD*(uminus_post - theta_ltd)*int(uminus_post > theta_ltd), wmin_ee, wmax_ee)',
                        on_post={'ltp': 'w = clip(w + dt*A_LTP*(V_post - theta_ltp)*(uplus_post - theta_ltd)*xbar_pre, '
                                        'wmin_ee, wmax_ee)'},
                        on_event={'pre': 'spike', 'ltp': 'ltp'}, namespace=params, name='EE')
        # The summed variable would otherwise be recomputed every step (1.15 M additions): move
        # it to a 20-ms clock and normalise right after it (docs/MODEL.md 5.3, subtractive).
        norm_clock = Clock(dt=20 * ms, name='norm_clock')
        su = S_EE.summed_updaters['wsum_post']
        su._clock, su.when, su.order = norm_clock, 'start', 0
        S_EE.run_regularly('w = clip(w - (wsum_post - N_incoming*w0_ee)/N_incoming, wmin_ee, wmax_ee)',
                           clock=norm_clock, when='start', order=1, name='EE_normalisation')
        # I->E: Vogels iSTDP (docs/MODEL.md 5.2).
        S_IE = Synapses(I, E, 'w : farad',
                        on_pre='xdi_post += w\nw = clip(w + eta_ie*(y_post - alpha_ie), wmin_ie, wmax_ie)',
                        on_post='w = clip(w + eta_ie*y_pre, wmin_ie, wmax_ie)',
                        namespace=params, name='IE')
    else:
        S_EE, S_IE = mk(E, E, 'e', 'EE'), mk(I, E, 'i', 'IE')  # names are pre->post
    S_EI, S_II = mk(E, I, 'e', 'EI'), mk(I, I, 'i', 'II')
    paths = [S_EE, S_EI, S_IE, S_II]

    if args.scenario != 'replay':
        S_EE.connect(condition='i != j', p=0.2)
        S_EI.connect(p=0.2)
        S_IE.connect(p=0.2)
        S_II.connect(condition='i != j', p=0.2)
        S_EE.w = 2.83 * fw * pF
        S_EI.w = 1.96 * fw * pF
        S_IE.w = 62.87 * fw * pF
        S_II.w = 20.91 * fw * pF
        n_syn_expected = None
    else:
        A = load_matrix(args.matrix)
        assert A.shape == (NE + NI, NE + NI), A.shape
        n_syn_expected = 0
        blocks = [(S_EE, slice(0, NE), slice(0, NE)), (S_EI, slice(NE, None), slice(0, NE)),
                  (S_IE, slice(0, NE), slice(NE, None)), (S_II, slice(NE, None), slice(NE, None))]
        for S, rows, cols in blocks:
            blk = A[rows, cols]  # post x pre
            post, pre = np.nonzero(blk)
            S.connect(i=pre.astype(np.int32), j=post.astype(np.int32))
            S.w = blk[post, pre] * pF
            n_syn_expected += len(pre)
        del A

    if args.brian_delay_ms > 0:
        for S in paths:
            S.delay = args.brian_delay_ms * ms

    record = not args.no_monitor
    mE = SpikeMonitor(E, record=record, name='mE')
    mI = SpikeMonitor(I, record=record, name='mI')

    net = Network(E, I, *inputs, *paths, mE, mI)
    # Wall-clock timer around the run. Brian2 2.5.1's own Network::_last_run_time uses std::clock()
    # (CPU time) without OpenMP and omp_get_wtime() with it; it is reported as brian_run_seconds.
    prefs.codegen.cpp.headers += ['<chrono>', '<fstream>', '<ctime>']
    device.insert_code('main', 'std::chrono::steady_clock::time_point _gosnn_wall_t0 = '
                               'std::chrono::steady_clock::now(); std::clock_t _gosnn_cpu_t0 = std::clock();')
    net.run(duration_s * second, profile=args.profile)
    device.insert_code('main', '{ double _w = std::chrono::duration<double>('
                               'std::chrono::steady_clock::now() - _gosnn_wall_t0).count(); '
                               'double _c = (double)(std::clock() - _gosnn_cpu_t0)/CLOCKS_PER_SEC; '
                               'std::ofstream _f("results/gosnn_wall_run_time.txt"); '
                               '_f.precision(9); _f << _w << " " << _c << std::endl; }')

    build_dir = args.build_dir or tempfile.mkdtemp(prefix=f'brian2_maes_{args.scenario}_t{args.threads}_')
    device.build(directory=build_dir, compile=True, run=False, with_output=False)
    build_seconds = time.time() - t0

    if args.threads > 1 and args.omp_wait_policy != 'default':
        os.environ['OMP_WAIT_POLICY'] = args.omp_wait_policy
    for r in range(args.repeats):
        load1 = os.getloadavg()[0]
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        device.run(build_dir, with_output=False, run_args=[])
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        brian_run = float(device._last_run_time)
        with open(os.path.join(build_dir, 'results', 'gosnn_wall_run_time.txt')) as f:
            wall, run_cpu = (float(x) for x in f.read().split())
        binary = float(device.timers['run_binary'])
        nE, nI = int(np.sum(mE.count[:])), int(np.sum(mI.count[:]))
        n_syn = int(sum(len(S.i[:]) for S in paths))
        out = {
            'scenario': args.scenario,
            'simulator': f'brian2 {b2.__version__} cpp_standalone' +
                         (f' openmp' if args.threads > 1 else ''),
            'threads': args.threads,
            'omp_wait_policy': (os.environ.get('OMP_WAIT_POLICY', 'default') if args.threads > 1 else None),
            'repeat': r + 1,
            'sim_seconds': duration_s,
            'wall_seconds': round(wall, 4),
            'run_cpu_seconds': round(run_cpu, 4),
            'brian_run_seconds': round(brian_run, 4),
            'binary_seconds': round(binary, 4),
            'binary_cpu_seconds': round(cpu, 4),
            'build_seconds': round(build_seconds, 2),
            'rtf': round(wall / duration_s, 4),
            'rtf_cpu': round(run_cpu / duration_s, 4),
            'size': args.size,
            'neurons': NE + NI,
            'rate_e_hz': round(nE / NE / duration_s, 4),
            'rate_i_hz': round(nI / NI / duration_s, 4),
            'synapses': n_syn,
            'loadavg_1m_before': round(load1, 2),
            'build_dir': build_dir,
        }
        if plastic:
            indeg = np.bincount(np.asarray(S_EE.j[:]), minlength=NE)
            ltp = int(np.dot(np.asarray(E.nltp[:]).astype(np.int64), indeg))
            out['ltp_updates'] = ltp
            out['ltp_updates_per_sim_second'] = round(ltp / duration_s, 1)
            for name, S in (('ee', S_EE), ('ie', S_IE)):
                w = np.asarray(S.w[:]) / 1e-12  # pF
                out[f'w_{name}_mean'], out[f'w_{name}_std'] = round(float(w.mean()), 4), round(float(w.std()), 4)
                out[f'w_{name}_min'], out[f'w_{name}_max'] = round(float(w.min()), 4), round(float(w.max()), 4)
        if train and record:
            # Check of the schedule: rate of cluster s mod 30 over its whole 15-ms slot s >= 1 (its
            # spikes come late in the slot, after the 9-ms drive), and of all other (E neuron,
            # step) pairs; Brian2 step k = gosnn step k + 1 for spikes.
            n = np.rint(np.asarray(mE.t[:]) / float(dt_step)).astype(np.int64) + 1
            ci = np.asarray(mE.i[:]) // 80
            on = (n // slot >= 1) & (ci == (n // slot) % 30)
            steps = int(round(duration_s / float(dt_step)))
            on_steps = max(steps - slot + 1, 0)
            dt_s = float(dt_step)
            out['rate_e_slot_cluster_hz'] = round(int(on.sum()) / (80 * on_steps * dt_s), 2) if on_steps else None
            out['rate_e_other_hz'] = round(int((~on).sum()) / ((NE * steps - 80 * on_steps) * dt_s), 4)
        if args.scenario == 'replay' and record:
            si = np.asarray(mE.i[:])
            st = np.asarray(mE.t[:] / ms)
            out['clusters'] = cluster_order(si, st, 15, 160, duration_s * 1000.0)
        print(json.dumps(out), flush=True)
        if args.profile:
            print(b2.profiling_summary(net, show=12), file=sys.stderr, flush=True)


if __name__ == '__main__':
    main()
