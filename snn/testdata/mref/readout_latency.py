#!/usr/bin/python3
"""Latency of the read-out's response to its supervisor (docs/MODEL.md A14).

Simulates, in plain NumPy and independently of gosnn, 2000 copies of one S -> R -> H read-out
circuit of docs/MODEL.md sections 3.3-3.5, 4.1, 4.3 and 4.4 (forward Euler, dt = 0.1 ms, a spike
reaches its target's conductance in the next step): S gets Poisson input of weight 1.78 at 1 kHz,
switched to 10 kHz at t = 0 (an element's onset); S -> R and R -> H weigh 200, H -> R 200 on the
inhibitory channel, H gets 1 kHz x 1.78. R gets no E input (E->R weights start at 0). It prints the
median time from the onset to the first spike of S and of R, for both threshold rules (V_T set to
V_T,rest + A_T, or incremented by A_T). gosnn's read-out report measures the same latency during
training (response_latency_ms), where the learned E->R weights help R a little.

Usage: /usr/bin/python3 snn/testdata/mref/readout_latency.py
"""
import numpy as np
rng=np.random.default_rng(1)
N=2000; dt=0.1
C=300.; gL=15.; EL=-70.; DT=2.; VTr=-52.; Vpk=20.; Vre=-60.; AT=10.; tauT=30.
trE,tdE,trI,tdI=1.,6.,0.5,2.
# H: LIF EL -62, tau 20, Vth -52, reset -60, C 300, ref 1
def run(Tpre=300., Tpost=100., thr_mode='set'):
    nsteps=int((Tpre+Tpost)/dt)
    V=rng.uniform(-60,-52,(2,N)); VT=np.full((2,N),VTr)  # S, R
    Vh=rng.uniform(-60,-52,N)
    xd=np.zeros((2,N)); xr=np.zeros((2,N))   # exc conductance states of S, R
    hd=np.zeros(N); hr=np.zeros(N)           # exc conductance of H
    id_=np.zeros(N); ir=np.zeros(N)          # inh conductance of R (from H)
    refS=np.zeros((2,N),int); refH=np.zeros(N,int)
    first=np.full((2,N),np.nan)
    kE=1/(tdE-trE); kI=1/(tdI-trI)
    for n in range(nsteps):
        t=n*dt-Tpre
        rate=10. if t>=0 else 1.
        # integrate
        gS=xd[0]-xr[0]; gR=xd[1]-xr[1]; gIR=id_-ir
        g=np.stack([gS,gR]); gi=np.stack([np.zeros(N),gIR])
        dV=((EL-V)+DT*np.exp((V-VT)/DT))/20.+(g*(0-V)+gi*(-75-V))/C
        active=refS==0
        V=np.where(active,V+dt*dV,V)
        VT=VT+dt*(VTr-VT)/tauT
        gH=hd-hr
        dVh=(-62-Vh)/20.+gH*(0-Vh)/C
        Vh=np.where(refH==0,Vh+dt*dVh,Vh)
        refS=np.maximum(refS-1,0); refH=np.maximum(refH-1,0)
        spk=V>Vpk
        V=np.where(spk,Vre,V); VT=np.where(spk,VTr+AT if thr_mode=='set' else VT+AT,VT)
        refS=np.where(spk,int(round(1/dt)),refS)
        hs=Vh>-52; Vh=np.where(hs,-60,Vh); refH=np.where(hs,int(round(1/dt)),refH)
        if t>=0:
            newf=spk & np.isnan(first); first[newf]=t
        # synaptic decay then inputs (arrive next step)
        for a,tau in ((xd,tdE),(xr,trE)): a*=np.exp(-dt/tau)
        hd*=np.exp(-dt/tdE); hr*=np.exp(-dt/trE); id_*=np.exp(-dt/tdI); ir*=np.exp(-dt/trI)
        npois=rng.poisson(rate*dt,N)*1.78*kE
        xd[0]+=npois; xr[0]+=npois
        s2r=spk[0]*200*kE; xd[1]+=s2r; xr[1]+=s2r
        hin=rng.poisson(1.*dt,N)*1.78*kE+spk[1]*200*kE; hd+=hin; hr+=hin
        h2r=hs*200*kI; id_+=h2r; ir+=h2r
    return first
for mode in ('set','increment'):
    f=run(thr_mode=mode)
    print(mode,'S first-spike latency median %.1f ms, R %.1f ms (fired: %d, %d of %d)'%(np.nanmedian(f[0]),np.nanmedian(f[1]),np.sum(~np.isnan(f[0])),np.sum(~np.isnan(f[1])),N))
