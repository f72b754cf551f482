// Command proofcheck checks vellum section proofs and archive checkpoints
// with an implementation that is not vellum's: Go's
// golang.org/x/mod/sumdb/note (signed notes) and sumdb/tlog (RFC 6962/9162
// trees), as Debian packages them (golang-golang-x-mod-dev).
//
//	proofcheck proof PROOF KEY.pub...     a proof file (vellum prove)
//	proofcheck checkpoint FILE KEY.pub... a version's checkpoint file
//
// Each KEY.pub is a vellum (minisign) public key file; every one of them
// must have signed the checkpoint (a co-signed checkpoint has several
// signature lines, X2). The signer's note key name
// is derived from the key, as docs/archive-format.md (K9) says: "vellum-" and
// the first 16 bytes, in hex, of SHA-256 of the key's OpenSSH blob.
// Exit 0 and "OK ..." when it checks; exit 1 and the reason otherwise.
//
// Run with GO111MODULE=off GOPATH=/usr/share/gocode go run proofcheck.go ...
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", args...)
	os.Exit(1)
}

// verifier for a minisign public key file: line 2 is base64("Ed" || id || key).
func verifier(pubFile string) note.Verifier {
	b, err := os.ReadFile(pubFile)
	if err != nil {
		fail("%v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(lines[len(lines)-1]))
	if err != nil || len(raw) != 42 || string(raw[:2]) != "Ed" {
		fail("%s is not a minisign Ed25519 public key", pubFile)
	}
	key := raw[10:42]
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-ed25519"), key} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		blob = append(append(blob, n[:]...), part...)
	}
	fp := sha256.Sum256(blob)
	name := "vellum-" + hex.EncodeToString(fp[:16])
	vkey, err := note.NewEd25519VerifierKey(name, ed25519.PublicKey(key))
	if err != nil {
		fail("%v", err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		fail("%v", err)
	}
	return v
}

// checkpoint opens a signed checkpoint, signed by every one of vs, and
// reads its origin, size and root.
func checkpoint(msg []byte, vs []note.Verifier) (string, int64, tlog.Hash) {
	n, err := note.Open(msg, note.VerifierList(vs...))
	if err != nil {
		fail("the checkpoint's note does not verify: %v", err)
	}
	for _, v := range vs {
		found := false
		for _, s := range n.Sigs {
			if s.Name == v.Name() && s.Hash == v.KeyHash() {
				found = true
			}
		}
		if !found {
			fail("the checkpoint carries no valid signature of %s", v.Name())
		}
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("the checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		fail("bad tree size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		fail("bad root %q", lines[2])
	}
	var h tlog.Hash
	copy(h[:], root)
	return lines[0], size, h
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: proofcheck proof|checkpoint FILE KEY.pub...")
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail("%v", err)
	}
	var vs []note.Verifier
	var names []string
	for _, k := range os.Args[3:] {
		v := verifier(k)
		vs = append(vs, v)
		names = append(names, v.Name())
	}
	signedBy := strings.Join(names, " and ")
	if os.Args[1] == "checkpoint" {
		origin, size, root := checkpoint(data, vs)
		fmt.Printf("OK checkpoint %s: %d leaves, root %s, signed by %s\n", origin, size, root, signedBy)
		return
	}
	// The vellum header (R1) ends at the first blank line; the tlog-proof
	// (R2) follows: its own lines up to a blank line, then the checkpoint.
	parts := bytes.SplitN(data, []byte("\n\n"), 3)
	if len(parts) != 3 {
		fail("not a proof: missing blank lines")
	}
	var text string
	for _, l := range strings.Split(string(parts[0]), "\n") {
		if strings.HasPrefix(l, "text ") {
			text = strings.TrimPrefix(l, "text ")
		}
	}
	lines := strings.Split(string(parts[1]), "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" || len(lines) < 3 {
		fail("not a c2sp.org/tlog-proof@v1 proof")
	}
	leaf, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(lines[1], "extra "))
	if err != nil || !strings.HasPrefix(lines[1], "extra ") {
		fail("bad extra line")
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(lines[2], "index "), 10, 64)
	if err != nil {
		fail("bad index line")
	}
	var path tlog.RecordProof
	for _, l := range lines[3:] {
		b, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(b) != tlog.HashSize {
			fail("bad path hash %q", l)
		}
		var h tlog.Hash
		copy(h[:], b)
		path = append(path, h)
	}
	origin, size, root := checkpoint(parts[2], vs)
	if index < 0 || index >= size {
		fail("index %d is not below the tree size %d", index, size)
	}
	if err := tlog.CheckRecord(path, size, root, index, tlog.RecordHash(leaf)); err != nil {
		fail("the path does not lead to the signed root: %v", err)
	}
	// The leaf (T1) names the section text's SHA-256 as its last field.
	fields := strings.Fields(string(leaf))
	sum := sha256.Sum256([]byte(text))
	if len(fields) != 8 || fields[7] != hex.EncodeToString(sum[:]) {
		fail("the text does not hash to the leaf's SHA-256")
	}
	fmt.Printf("OK %s leaf %d of %d (%s) in %s, signed by %s\n", fields[2], index, size, fields[0], origin, signedBy)
}
