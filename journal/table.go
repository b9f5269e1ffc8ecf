package journal

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteSessionTable prints sessions as the aligned table `kindred sessions
// list` shows. SESSION TIME is what the session covered (at --speed 20, the
// minutes simulated); WALL is how long the run took; a missing value is "-".
func WriteSessionTable(w io.Writer, list []Session) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tROBOT\tCONDITION\tPERSON\tSTARTED\tSESSION TIME\tWALL\tSTATUS")
	for _, s := range list {
		wall := "-"
		if !s.Ended.IsZero() {
			wall = s.Ended.Sub(s.Started).Round(time.Second).String()
		}
		st := time.Duration(s.SessionTime * float64(time.Second)).Round(time.Second).String()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, orDash(s.Robot), orDash(s.Condition), orDash(s.Person),
			s.Started.Local().Format("2006-01-02 15:04:05"), st, wall, s.Status)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
