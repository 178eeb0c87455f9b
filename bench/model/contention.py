"""A discrete-event model of writers that meet only in the table (issue 14's fleet benchmark).

N sequential writers (one event at a time, like Lambda instances) append to one aggregate on a
server that serves one request at a time (moto): service time S per request, C of network and
client time around it. A request succeeds when its expected version is the head. Strategies decide
the pause and the expected version after each answer.

What it showed (2026-12-01, S=13.5 ms, C=4.5 ms, calibrated from moto's CPU time: 13 to 14 ms of
moto CPU per request; in the real 8-process run moto was idle 35 to 40% of the wall time):
- the dispatcher's policy (stale version retried at once, full-jitter exponential 5 ms -> 1 s):
  about 1.5x the one-process time, 1.6 requests per event (real runs: 1.8-2.0x, 1.4-1.5);
- a fixed contention period (no exponential ramp: the first pause uniform in [0, P], then P +-10%,
  a stale version retried at once), P = 800 ms: 1.28x and 1.22 requests per event in the model;
  the winner keeps the turn and the others wait for it, so the ramp's early short pauses are the
  wasted requests. In real runs a base of 400-500 ms (cap 800-1000 ms) gave 1.78x and 1.37-1.54:
  the real ordering is not the model's FIFO, so the model is optimistic;
- exponential backoffs alone: never both 1.5x and 1.2 requests per event.
Run: python3 bench/model/contention.py
"""
import heapq, random
# Discrete-event model of N sequential writers on one aggregate against a serial FIFO server.
def run(strategy, N=8, E=40, s=10.0, c=4.0, seed=1):
    rnd = random.Random(seed)
    head = 0
    t = 0.0
    server_free = 0.0
    # events: (time_arrive_at_server, seq, writer, expected)
    q = []
    seq = 0
    st = [strategy.new(i, rnd) for i in range(N)]
    left = [E]*N
    reqs = 0
    def send(w, at, expected):
        nonlocal seq
        seq += 1
        heapq.heappush(q, (at + c/2, seq, w, expected))
    for w in range(N):
        send(w, rnd.uniform(0, 2*c), 0)  # first attempts after warmup: writer read head; assume known 0
    end = 0.0
    while q:
        arr, _, w, exp = heapq.heappop(q)
        start = max(arr, server_free)
        server_free = start + s
        reqs += 1
        ok = (exp == head)
        if ok: head += 1
        resp = server_free + c/2
        if ok:
            left[w] -= 1
            if left[w] == 0:
                end = max(end, resp); continue
            delay, expn = st[w].on_success(head, resp)
        else:
            delay, expn = st[w].on_fail(head, resp)
        send(w, resp + delay, expn)
    return end, reqs

class Immediate:
    def new(self, i, rnd): return self
    def on_success(self, head, now): return 0, head
    def on_fail(self, head, now): return 0, head

class Jitter:
    def __init__(self, base=10, cap=1000): self.base, self.cap = base, cap
    def new(self, i, rnd):
        o = Jitter(self.base, self.cap); o.rnd = rnd; o.n = 0; return o
    def on_success(self, head, now): self.n = 0; return 0, head
    def on_fail(self, head, now):
        self.n += 1
        if self.n == 1: return 0, head
        return self.rnd.uniform(0, min(self.cap, self.base * 2**self.n)), head


class Per2:
    """first failure: retry at once (fresh head); later: periodic polls; a poll that finds the head moved slower than the
    full rate retries at once."""
    def __init__(self, P, jit, smart): self.P, self.jit, self.smart = P, jit, smart
    def new(self, i, rnd):
        o = Per2(self.P, self.jit, self.smart); o.rnd = rnd; o.n = 0; o.prev=None; o.fullrate=None; return o
    def on_success(self, head, now):
        if self.prev and self.n==0:
            r = 1/(now-self.prev[1]) if now>self.prev[1] else None
            if r: self.fullrate = r if self.fullrate is None else max(self.fullrate*0.98, r)
        self.n = 0; self.prev=(head,now); return 0, head
    def on_fail(self, head, now):
        self.n += 1
        prev = self.prev; self.prev=(head,now)
        if self.n == 1: return 0, head
        if self.smart is not None and prev and self.n>2 and self.fullrate:
            dv = head-prev[0]; dt = now-prev[1]
            if dv < self.smart*self.fullrate*dt and not self.retried:
                self.retried=True
                return 0, head
        elif self.smart is None and not getattr(self,'retried',False):
            self.retried=True
            return 0, head
        self.retried=False
        if self.n == 2: return self.rnd.uniform(0, self.P), head
        return self.rnd.uniform(self.P*(1-self.jit), self.P*(1+self.jit)), head

class Real:
    def __init__(self, b, cap, m, lo): self.b, self.cap, self.m, self.lo = b, cap, m, lo
    def new(self, i, rnd):
        o = Real(self.b, self.cap, self.m, self.lo); o.rnd = rnd; o.pauses = 0; o.stale = True; return o
    def on_success(self, head, now): self.pauses = 0; self.stale = False; return 0, head
    def on_fail(self, head, now):
        if self.stale:
            self.stale = False; return 0, head
        self.pauses += 1; self.stale = True
        ceil = min(self.cap, self.b * self.m**(self.pauses-1))
        return self.rnd.uniform(self.lo*ceil, ceil), head

if __name__ == '__main__':
    S, C = 13.5, 4.5
    base = 320 * (S + C)
    for name, strat in [('dispatcher default (5 ms -> 1 s, full jitter)', Real(5, 1000, 2, 0.0)),
                        ('fixed contention period 800 ms', Per2(800, 0.1, None))]:
        runs = [run(strat, s=S, c=C, seed=k) for k in range(10)]
        print(f"{name}: {sum(r[0] for r in runs) / 10 / base:.2f}x one process, "
              f"{sum(r[1] for r in runs) / 10 / 320:.2f} requests/event")
