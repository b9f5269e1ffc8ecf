package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AttachPerson files everything recorded under from (an unknown person's
// pseudonym) under to (a person the carer knows them to be): the person
// column of every table that names people, and sessions about them. The
// fleet's pseudonym for from goes, since nothing is filed under from any
// more. It returns how many rows moved; none is not an error.
func (j *Journal) AttachPerson(ctx context.Context, from, to string) (int64, error) {
	n, err := attachPerson(ctx, j.db, from, to)
	if err != nil {
		return n, fmt.Errorf("journal: %s: attach %s to %s: %w", j.path, from, to, err)
	}
	return n, nil
}

func attachPerson(ctx context.Context, db *sql.DB, from, to string) (int64, error) {
	if from == "" || to == "" {
		return 0, errors.New("empty person ID")
	}
	if from == to {
		return 0, errors.New("a person cannot be attached to themselves")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := deletePseudonyms(ctx, tx, from); err != nil {
		return 0, err
	}
	// Like deletePersonRows, this must know every table that names a person.
	stmts := []string{`UPDATE sessions SET person = ? WHERE person = ?`}
	for _, t := range personTables {
		stmts = append(stmts, `UPDATE `+t+` SET person = ? WHERE person = ?`)
	}
	var total int64
	for _, s := range stmts {
		res, err := tx.ExecContext(ctx, s, to, from)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM persons WHERE id = ?`, from); err != nil {
		return 0, err
	}
	return total, tx.Commit()
}
