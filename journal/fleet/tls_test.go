package fleet

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/testpki"
)

// testPKI writes a CA and a certificate for 127.0.0.1 signed by it, as a
// care home's private CA would issue for its broker.
func testPKI(t *testing.T) (ca, cert, key string) {
	t.Helper()
	return testpki.WriteCA(t, t.TempDir())
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
	if ctl := nextControl(t, c); ctl.Cmd != behavior.CmdPause {
		t.Errorf("got %+v", ctl)
	}
}
