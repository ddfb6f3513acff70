// Independent checker for chain-node's C2SP signed notes and RFC 6962 proofs, built on
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog (Debian golang-golang-x-mod-dev).
// Reads one JSON request on stdin and writes one JSON result per item on stdout.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type noteReq struct {
	Msg   string   `json:"msg"`
	Vkeys []string `json:"vkeys"`
}

type inclusionReq struct {
	Size  int64       `json:"size"`
	Root  tlog.Hash   `json:"root"`
	Index int64       `json:"index"`
	Leaf  tlog.Hash   `json:"leaf"`
	Proof []tlog.Hash `json:"proof"`
}

type consistencyReq struct {
	OldSize int64       `json:"oldSize"`
	OldRoot tlog.Hash   `json:"oldRoot"`
	Size    int64       `json:"size"`
	Root    tlog.Hash   `json:"root"`
	Proof   []tlog.Hash `json:"proof"`
}

type request struct {
	Notes       []noteReq        `json:"notes"`
	Inclusion   []inclusionReq   `json:"inclusion"`
	Consistency []consistencyReq `json:"consistency"`
	// Leaf hashes: the checker computes the tree root of every prefix size with tlog's own stored hashes.
	Leaves []tlog.Hash `json:"leaves"`
}

type result struct {
	Kind     string      `json:"kind"`
	Index    int         `json:"index"`
	OK       bool        `json:"ok"`
	Error    string      `json:"error,omitempty"`
	Text     string      `json:"text,omitempty"`
	Verified []string    `json:"verified,omitempty"`
	Roots    []tlog.Hash `json:"roots,omitempty"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	var out []result
	for i, n := range req.Notes {
		r := result{Kind: "note", Index: i}
		var vs []note.Verifier
		for _, k := range n.Vkeys {
			v, err := note.NewVerifier(k)
			if err != nil {
				r.Error = "verifier: " + err.Error()
				break
			}
			vs = append(vs, v)
		}
		if r.Error == "" {
			opened, err := note.Open([]byte(n.Msg), note.VerifierList(vs...))
			if err != nil {
				r.Error = err.Error()
			} else {
				r.OK = true
				r.Text = opened.Text
				for _, s := range opened.Sigs {
					r.Verified = append(r.Verified, s.Name)
				}
			}
		}
		out = append(out, r)
	}
	for i, p := range req.Inclusion {
		r := result{Kind: "inclusion", Index: i}
		if err := tlog.CheckRecord(tlog.RecordProof(p.Proof), p.Size, p.Root, p.Index, p.Leaf); err != nil {
			r.Error = err.Error()
		} else {
			r.OK = true
		}
		out = append(out, r)
	}
	for i, p := range req.Consistency {
		r := result{Kind: "consistency", Index: i}
		if err := tlog.CheckTree(tlog.TreeProof(p.Proof), p.Size, p.Root, p.OldSize, p.OldRoot); err != nil {
			r.Error = err.Error()
		} else {
			r.OK = true
		}
		out = append(out, r)
	}
	if len(req.Leaves) > 0 {
		r := result{Kind: "roots", OK: true}
		var stored []tlog.Hash
		reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			hs := make([]tlog.Hash, len(idx))
			for j, x := range idx {
				hs[j] = stored[x]
			}
			return hs, nil
		})
		for n, leaf := range req.Leaves {
			hs, err := tlog.StoredHashesForRecordHash(int64(n), leaf, reader)
			if err != nil {
				r.OK, r.Error = false, err.Error()
				break
			}
			stored = append(stored, hs...)
			root, err := tlog.TreeHash(int64(n+1), reader)
			if err != nil {
				r.OK, r.Error = false, err.Error()
				break
			}
			r.Roots = append(r.Roots, root)
		}
		out = append(out, r)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(2)
	}
}
