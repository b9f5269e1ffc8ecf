package fleet

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/kindred-hri/kindred/journal"
)

// testPKI writes a CA and a certificate for 127.0.0.1 signed by it, as a
// care home's private CA would issue for its broker.
func testPKI(t *testing.T) (ca, cert, key string) {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "care home CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "broker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caTmpl, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("broker.pem", "CERTIFICATE", srvDER), write("broker.key", "EC PRIVATE KEY", keyDER)
}

// Over TLS, with the broker's credentials and ACL, control needs no key:
// a supervisor's plain console command arrives. The robot trusts the
// care home's CA from KINDRED_MQTT_CA, not just the system's roots.
func TestControlOverTLSWithoutAKey(t *testing.T) {
	ca, cert, key := testPKI(t)
	b := careHome(t, fmt.Sprintf("cafile %s\ncertfile %s\nkeyfile %s\n", ca, cert, key))
	url := fmt.Sprintf("ssl://127.0.0.1:%d", b.port)
	c, _ := runClient(t, Opts{Broker: url, Robot: "kiri", User: robotAccount.user, Password: robotAccount.password,
		Control: true, CAFile: ca})

	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	sup := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("supervisor-tls").
		SetUsername(supervisorAccount.user).SetPassword(supervisorAccount.password).
		SetTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	if tok := sup.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("supervisor: %v", tok.Error())
	}
	defer sup.Disconnect(100)
	publish(t, sup, "kindred/kiri/control", false, []byte(`{"cmd":"pause"}`))
	if ctl := nextControl(t, c); ctl.Cmd != journal.CmdPause {
		t.Errorf("got %+v", ctl)
	}
}
