// Command bench measures Roster beside stock PocketBase and the bare SQL floor
// (docs/benchmarks.md). It seeds template data dirs with the demo code once (reused between runs), copies
// each into a scratch app per run, serves the full router on loopback and runs every
// workload three ways, interleaved on the same data; then it builds the real binary, times
// its cold start, reads its memory and runs a mixed loopback load test against it.
// `make bench` runs it and writes docs/benchmarks.md. It is not a test: `go test ./...`
// never runs it.
//
// Files: seed.go (template data dirs, the audit log's rows), env.go (in-process apps and
// their HTTP clients), measure.go (interleaved latency and throughput runs), workloads.go
// (what each part measures), process.go (the real binary), load.go (the load test),
// report.go (tables, targets and the markdown report).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"roster/internal/throttle"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	sizesFlag    = flag.String("members", "10000,100000", "organisation sizes, comma separated; audit, sign-in, flood, process and load run at the largest")
	nFlag        = flag.Int("n", 60, "requests per way for each read workload, at each concurrency")
	mutN         = flag.Int("mut", 100, "single mutations per way")
	bulkN        = flag.Int("bulk", 20, "bulk actions (of 100 members) per way")
	concFlag     = flag.String("c", "1,8", "concurrency levels for the reads")
	onlyFlag     = flag.String("only", "", "parts to run, comma separated: "+strings.Join(allParts, ",")+" ('' = all)")
	auditRows    = flag.Int("audit-rows", 1_000_000, "audit rows of the largest organisation (seeded once into its template)")
	signinDur    = flag.Duration("signin-dur", 2*time.Second, "length of one sign-in phase (one way at one concurrency)")
	signinRounds = flag.Int("signin-rounds", 3, "sign-in phases per way and concurrency, interleaved")
	floodN       = flag.Int("flood", 64, "concurrent sign-ins of the flood")
	floodCap     = flag.Duration("flood-cap", 30*time.Second, "time bound of each round of lists (idle or under the flood)")
	loadDur      = flag.Duration("load", 60*time.Second, "length of the loopback load test")
	loadC        = flag.Int("load-c", 8, "concurrency of the load test")
	loadMax      = flag.Int("load-max", 500_000, "request cap of the load test")
	outFlag      = flag.String("out", "docs/benchmarks.md", "markdown report ('' = none)")
	noteFlag     = flag.String("note", os.Getenv("BENCH_NOTE"), "a line about the run's conditions for the report")
)

// allParts are the parts -only chooses from.
var allParts = []string{"list", "mutation", "bulk", "audit", "signin", "flood", "process", "load"}

var only = map[string]bool{}

// want says whether part runs.
func want(part string) bool { return len(only) == 0 || only[part] }

func main() {
	flag.Parse()
	throttle.SpareProc() // as the binary does: Roster and stock PocketBase share this process
	for _, p := range strings.Split(*onlyFlag, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if !slices.Contains(allParts, p) {
				log.Fatalf("-only: unknown part %q (parts: %s)", p, strings.Join(allParts, ","))
			}
			only[p] = true
		}
	}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("-members: bad size %q", s)
		}
		sizes = append(sizes, n)
	}
	var levels []int
	for _, s := range strings.Split(*concFlag, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 {
			log.Fatalf("-c: bad concurrency %q", s)
		}
		levels = append(levels, c)
	}
	start := time.Now()
	rep := &report{sizes: sizes, levels: levels, results: map[int][]result{}, dbBytes: map[int]int64{}, loadStart: loadAverage()}
	largest := slices.Max(sizes)
	for _, n := range sizes {
		runSize(rep, n, levels, n == largest)
	}
	if want("process") || want("load") {
		rep.proc = runProcess(largest)
	}
	rep.took = time.Since(start)
	text := rep.markdown()
	fmt.Println(text)
	if *outFlag == "" {
		return
	}
	if err := os.WriteFile(*outFlag, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s in %s", *outFlag, rep.took.Round(time.Second))
}
