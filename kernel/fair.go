package kernel

import "sync"

// fairQueue holds the requests waiting on shell or control: one FIFO per peer (the routing
// identity zmq4 gives each connection), handed out taking the peers in turn. A client that
// floods requests delays another client's next request by at most one of its own, and the
// requests of each client keep their order.
type fairQueue struct {
	mu       sync.Mutex
	peers    map[string]*peerRequests
	turn     []string // peers with requests waiting, next first
	maxCount int      // requests one peer may have waiting
	maxBytes int      // bytes of requests one peer may have waiting
	ready    chan struct{}
}

type peerRequests struct {
	msgs  []*Message
	bytes int
}

func newFairQueue(maxCount, maxBytes int) *fairQueue {
	return &fairQueue{peers: map[string]*peerRequests{}, maxCount: maxCount, maxBytes: maxBytes, ready: make(chan struct{}, 1)}
}

// size is what a request holds in memory.
func (m *Message) size() int {
	n := len(m.RawHeader) + len(m.Parent) + len(m.Metadata) + len(m.Content)
	for _, b := range m.Buffers {
		n += len(b)
	}
	for _, id := range m.Identities {
		n += len(id)
	}
	return n
}

// push queues m; it reports false, queuing nothing, when m's peer already has maxCount
// requests or maxBytes waiting.
func (q *fairQueue) push(m *Message) bool {
	var key string
	if len(m.Identities) > 0 {
		key = string(m.Identities[0])
	}
	size := m.size()
	q.mu.Lock()
	defer q.mu.Unlock()
	p := q.peers[key]
	if p == nil {
		p = &peerRequests{}
		q.peers[key] = p
	}
	if len(p.msgs) > 0 && (len(p.msgs) >= q.maxCount || p.bytes+size > q.maxBytes) {
		return false
	}
	if len(p.msgs) == 0 {
		q.turn = append(q.turn, key)
	}
	p.msgs = append(p.msgs, m)
	p.bytes += size
	select {
	case q.ready <- struct{}{}:
	default:
	}
	return true
}

// pop returns the next request, from the peer whose turn it is, or false when none waits.
func (q *fairQueue) pop() (*Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.turn) == 0 {
		return nil, false
	}
	key := q.turn[0]
	q.turn = q.turn[1:]
	p := q.peers[key]
	m := p.msgs[0]
	p.msgs[0] = nil
	p.msgs = p.msgs[1:]
	p.bytes -= m.size()
	if len(p.msgs) == 0 {
		delete(q.peers, key)
	} else {
		q.turn = append(q.turn, key)
	}
	return m, true
}

// waiting returns how many requests are waiting.
func (q *fairQueue) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, p := range q.peers {
		n += len(p.msgs)
	}
	return n
}
