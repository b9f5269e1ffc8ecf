package console_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/kindred-hri/kindred/console"
	"github.com/kindred-hri/kindred/journal"
)

func ExampleConsole() {
	last := journal.Assessment{At: 3 * time.Second, Person: "p-3f9a", Score: 6, Band: "moderate", Present: true}
	c, err := console.New(console.Opts{
		Robot: "kiri",
		Token: "0123456789abcdef0123", // in a run: empty, so KINDRED_CONSOLE_TOKEN or the stored token is used
		Status: func() console.Status {
			return console.Status{State: "comforting", Person: last.Person, Assessment: &last}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c.Publish(last)                        // every open page gets it; never blocks
	srv := httptest.NewServer(c.Handler()) // a run calls c.Serve(ctx, "127.0.0.1:8080")
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/status", nil)
	req.Header.Set("Authorization", "Bearer 0123456789abcdef0123") // person data needs the token
	resp, _ := http.DefaultClient.Do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(b))
	resp, _ = http.Post(srv.URL+"/api/v1/control", "application/json", nil)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "without the token")
	// Output:
	// {"robot":"kiri","state":"comforting","person":"p-3f9a","paused":false,"opted_out":false,"assessment":{"type":"assessment","at":3,"person":"p-3f9a","score":6,"items":{"breathing":0,"vocalisation":0,"face":0,"body":0,"consolability":0},"pspi":0,"band":"moderate","confidence":0,"cues":null,"present":true},"joints":null}
	// 401 without the token
}
