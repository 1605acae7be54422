// Package kanneltest runs a real Kannel for tests: bearerbox and smsbox
// (Debian package kannel) with a generated configuration, and Kannel's fake
// SMSC client fakesmsc (package kannel-extras) as the carrier side. Texts
// sent through sendsms come out of the fake SMSC (Received); texts from
// phones go in through it (SendMO) and reach the test's sms-service URL.
//
// Two fake SMSC connections are configured: "mt", where one long-lived
// fakesmsc receives every text we send, and "mo", where a fakesmsc per
// inbound text connects, sends it and is stopped (a fake SMSC serves one
// client at a time).
package kanneltest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aftersales/aftersales/internal/testkit"
)

// Where Debian installs Kannel.
var (
	Bearerbox = "/usr/sbin/bearerbox"
	Smsbox    = "/usr/sbin/smsbox"
	Fakesmsc  = "/usr/lib/kannel/test/fakesmsc"
)

// Options configure the gateway.
type Options struct {
	// InboundURL is the sms-service get-url, with Kannel's escapes, e.g.
	// http://127.0.0.1:8080/v1/sms/kannel/inbound?from=%p&to=%P&text=%a&secret=…
	InboundURL string
}

// Kannel is a running gateway.
type Kannel struct {
	t        testing.TB
	dir      string
	SendURL  string // sendsms URL
	User     string
	Password string

	mtPort, moPort int
	mu             sync.Mutex
	received       []Message
	arrived        chan struct{}
	mo             *proc
	parts          map[string][]part // segments of long texts, by sender, receiver and reference
}

// Message is a text the fake SMSC received from Kannel.
type Message struct {
	From, To, Text string
}

// Available reports why Kannel cannot run here ("" when it can).
func Available() string {
	for _, p := range []string{Bearerbox, Smsbox, Fakesmsc} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Sprintf("%s is not installed (apt-get install kannel kannel-extras)", p)
		}
	}
	return ""
}

// Start starts bearerbox, smsbox and the receiving fakesmsc, and stops
// them when the test ends. Without the binaries the test is skipped, or
// fails when the environment variable CI is set.
func Start(t testing.TB, o Options) *Kannel {
	t.Helper()
	if why := Available(); why != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("Kannel is required under CI: %s", why)
		}
		t.Skipf("skipping the Kannel end-to-end test: %s", why)
	}
	k := &Kannel{t: t, dir: t.TempDir(), User: "aftersales", Password: "kannel-test", arrived: make(chan struct{}, 1),
		parts: map[string][]part{}}
	ports := freePorts(t, 5)
	admin, box, sendsms := ports[0], ports[1], ports[2]
	k.mtPort, k.moPort = ports[3], ports[4]
	k.SendURL = fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", sendsms)
	conf := filepath.Join(k.dir, "kannel.conf")
	if err := os.WriteFile(conf, []byte(k.config(admin, box, sendsms, o)), 0o600); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, k.run("bearerbox", Bearerbox, conf).out)
	waitPort(t, box)
	go io.Copy(io.Discard, k.run("smsbox", Smsbox, conf).out)
	waitPort(t, sendsms)
	go k.read(k.run("fakesmsc-mt", Fakesmsc, "-H", "127.0.0.1", "-r", fmt.Sprint(k.mtPort), "-m", "0", "0 0 text unused").out)
	return k
}

func (k *Kannel) config(admin, box, sendsms int, o Options) string {
	log := func(name string) string { return filepath.Join(k.dir, name+".log") }
	return fmt.Sprintf(`group = core
admin-port = %d
admin-password = "%s"
admin-allow-ip = "127.0.0.1"
smsbox-port = %d
box-allow-ip = "127.0.0.1"
log-file = "%s"
log-level = 1
sms-resend-freq = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = mt
allowed-smsc-id = mt
port = %d
connect-allow-ip = "127.0.0.1"

group = smsc
smsc = fake
smsc-id = mo
allowed-smsc-id = mo
port = %d
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = "127.0.0.1"
bearerbox-port = %d
sendsms-port = %d
log-file = "%s"
log-level = 1

group = sendsms-user
username = "%s"
password = "%s"
forced-smsc = mt
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "%s"
`, admin, k.Password, box, log("bearerbox"), k.mtPort, k.moPort, box, sendsms, log("smsbox"), k.User, k.Password, o.InboundURL)
}

// proc is a started Kannel program.
type proc struct {
	cmd  *exec.Cmd
	out  io.Reader
	done <-chan struct{}
}

// run starts bin; it is stopped when the test ends, and killed by the
// kernel if the test binary dies.
func (k *Kannel) run(name, bin string, args ...string) *proc {
	k.t.Helper()
	p := &proc{cmd: exec.Command(bin, args...)}
	p.cmd.Dir = k.dir
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr, p.out = w, w, r
	done, err := testkit.StartTied(p.cmd, syscall.SIGKILL, func() { w.Close() })
	if err != nil {
		k.t.Fatalf("starting %s: %v", name, err)
	}
	p.done = done
	k.t.Cleanup(p.stop)
	return p
}

// stop ends the program: SIGTERM, then SIGKILL after 5 s.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// read collects the texts fakesmsc prints: "Got message N: <from to type data>".
func (k *Kannel) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, "Got message ")
		if i < 0 {
			continue
		}
		body := line[i:]
		start, end := strings.IndexByte(body, '<'), strings.LastIndexByte(body, '>')
		if start < 0 || end <= start {
			continue
		}
		m, ok := k.parseLine(body[start+1 : end])
		if !ok {
			continue
		}
		k.mu.Lock()
		k.received = append(k.received, m)
		k.mu.Unlock()
		select {
		case k.arrived <- struct{}{}:
		default:
		}
	}
}

// part is one segment of a concatenated text.
type part struct {
	seq  int
	data string
}

// parseLine reads fakesmsc's "from to type data"; ucs-2 data is
// URL-encoded UTF-16BE, data is URL-encoded bytes, text is as is. A
// segment of a long text ("udh <header> <data>") is kept in parts until
// the last one arrives; ok is false until then.
func (k *Kannel) parseLine(s string) (Message, bool) {
	f := strings.SplitN(s, " ", 4)
	if len(f) < 4 {
		return Message{}, false
	}
	m := Message{From: f[0], To: f[1]}
	switch f[2] {
	case "text":
		m.Text = f[3]
	case "data", "ucs-2", "ucs2":
		raw, err := url.QueryUnescape(f[3])
		if err != nil {
			return Message{}, false
		}
		m.Text = decode(raw, f[2] != "data")
	case "udh":
		// "udh <header> data <data>" (older fakesmsc: without "data").
		hdr, data, _ := strings.Cut(f[3], " ")
		if typ, rest, ok := strings.Cut(data, " "); ok && (typ == "data" || typ == "text") {
			data = rest
		}
		udh, err1 := url.QueryUnescape(hdr)
		raw, err2 := url.QueryUnescape(data)
		// Concatenation header: 05 00 03 ref total seq.
		if err1 != nil || err2 != nil || len(udh) < 6 || udh[1] != 0 {
			return Message{}, false
		}
		key := fmt.Sprintf("%s/%s/%d", m.From, m.To, udh[3])
		k.parts[key] = append(k.parts[key], part{int(udh[5]), raw})
		if len(k.parts[key]) < int(udh[4]) {
			return Message{}, false
		}
		ps := k.parts[key]
		delete(k.parts, key)
		sort.Slice(ps, func(i, j int) bool { return ps[i].seq < ps[j].seq })
		var all strings.Builder
		for _, p := range ps {
			all.WriteString(p.data)
		}
		m.Text = decode(all.String(), !utf8.ValidString(all.String()) || strings.ContainsRune(all.String(), 0))
	default:
		return Message{}, false
	}
	return m, true
}

// decode reads UTF-16BE when ucs2, else the bytes as they are.
func decode(raw string, ucs2 bool) string {
	if !ucs2 {
		return raw
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	return string(utf16.Decode(u))
}

// Received returns the texts the carrier got so far.
func (k *Kannel) Received() []Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]Message(nil), k.received...)
}

// WaitFor waits until a text to the phone containing want arrives, and
// returns it.
func (k *Kannel) WaitFor(ctx context.Context, to, want string) (Message, error) {
	for {
		for _, m := range k.Received() {
			if m.To == to && strings.Contains(m.Text, want) {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return Message{}, fmt.Errorf("no text to %s containing %q; received %+v", to, want, k.Received())
		case <-k.arrived:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// SendMO has the carrier deliver a text from a phone to a number.
func (k *Kannel) SendMO(from, to, text string) {
	k.t.Helper()
	k.mu.Lock()
	prev := k.mo
	k.mu.Unlock()
	if prev != nil {
		prev.stop() // the fake SMSC serves one client at a time
	}
	p := k.run("fakesmsc-mo", Fakesmsc, "-H", "127.0.0.1", "-r", fmt.Sprint(k.moPort), "-m", "1",
		fmt.Sprintf("%s %s text %s", from, to, text))
	sent := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(p.out)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "sent message 1") {
				once.Do(func() { close(sent) })
			}
		}
	}()
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		k.t.Fatalf("fakesmsc did not send %q", text)
	}
	k.mu.Lock()
	k.mo = p
	k.mu.Unlock()
}

// Logs returns bearerbox's and smsbox's logs, for failure messages.
func (k *Kannel) Logs() string {
	var b strings.Builder
	for _, name := range []string{"bearerbox", "smsbox"} {
		raw, _ := os.ReadFile(filepath.Join(k.dir, name+".log"))
		if len(raw) > 4000 {
			raw = raw[len(raw)-4000:]
		}
		fmt.Fprintf(&b, "--- %s.log (tail)\n%s\n", name, raw)
	}
	return b.String()
}

func freePorts(t testing.TB, n int) []int {
	var ls []net.Listener
	var out []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

func waitPort(t testing.TB, port int) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Kannel did not listen on port %d", port)
}
