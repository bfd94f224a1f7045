package serve

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// event is one Server-Sent Event.
type event struct {
	name string // "reload" or "css"
	data string // one line
}

// maxStreams bounds the event streams open at once: each is a connection
// and a goroutine, and a preview bound to a network address (--bind) must
// not let anyone who can reach it open them without end. An author has a
// few pages open, not hundreds.
const maxStreams = 256

// hub fans events out to the connected pages.
type hub struct {
	mu      sync.Mutex
	clients map[chan event]bool
	closed  bool
	limit   int // most clients at once
}

func newHub() *hub { return &hub{clients: map[chan event]bool{}, limit: maxStreams} }

// errBusy is returned by subscribe when limit clients are connected.
var errBusy = errors.New("too many open event streams")

// subscribe returns a channel of events; it is closed when the hub is. ok
// is false when the hub is closed; err is errBusy when it is full.
func (h *hub) subscribe() (c chan event, ok bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false, nil
	}
	if len(h.clients) >= h.limit {
		return nil, true, errBusy
	}
	c = make(chan event, 4)
	h.clients[c] = true
	return c, true, nil
}

func (h *hub) unsubscribe(c chan event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients[c] {
		delete(h.clients, c)
		close(c)
	}
}

// send queues e for every client. A client that has fallen behind misses
// it: it has events queued already, and any of them makes it reload.
func (h *hub) send(e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- e:
		default:
		}
	}
}

// close ends every stream, so that the HTTP server can shut down.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		close(c)
	}
}

// serveEvents streams events to one page.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	// EventSource requests are same-origin; a browser sends Origin (and
	// Sec-Fetch-Site) when a page of another origin asks.
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		http.Error(w, "forbidden: event stream from another origin", http.StatusForbidden)
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		http.Error(w, "forbidden: event stream from another site", http.StatusForbidden)
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c, ok, err := s.hub.subscribe()
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if err != nil {
		w.Header().Set("Retry-After", "10")
		http.Error(w, "busy: "+err.Error()+"; close some preview pages", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	// "hello" tells a client that it is subscribed: events from now on
	// reach it.
	fmt.Fprint(w, "retry: 300\nevent: hello\ndata: {}\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, ok := <-c:
			if !ok {
				return
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
			flusher.Flush()
		}
	}
}
