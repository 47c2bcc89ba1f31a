package reconcile

import (
	"context"
	"iter"
	"sync"
)

// AccountPager is a Directory that hands over the organization's accounts page by page as it
// lists them, so that a sweep starts on the first accounts while the last pages are still coming
// (ListAccounts gives 20 a page: 500 pages for 10,000 accounts); *awsapi.Directory is one. A
// Directory that is not one is listed whole first.
type AccountPager interface {
	AccountPages(ctx context.Context, page func([]Account)) error
}

// roster is the organization's account list of one run, growing while it is listed: every Region
// of the run walks it in the same order, as far as it goes, and waits for more.
type roster struct {
	keep     func(Account) bool
	mu       sync.Mutex
	grown    *sync.Cond
	accounts []Account // those kept
	listed   int
	done     bool
	err      error
}

// listOrganization starts listing the organization and returns the roster it fills with the
// accounts keep keeps.
func (r *Reconciler) listOrganization(ctx context.Context, keep func(Account) bool) *roster {
	ros := &roster{keep: keep}
	ros.grown = sync.NewCond(&ros.mu)
	go func() {
		if p, ok := r.Directory.(AccountPager); ok {
			ros.finish(p.AccountPages(ctx, ros.add))
			return
		}
		accounts, err := r.Directory.Accounts(ctx)
		ros.add(accounts)
		ros.finish(err)
	}()
	return ros
}

func (ros *roster) add(page []Account) {
	ros.mu.Lock()
	defer ros.mu.Unlock()
	for _, a := range page {
		if ros.keep(a) {
			ros.accounts = append(ros.accounts, a)
		}
	}
	ros.listed += len(page)
	ros.grown.Broadcast()
}

// finish ends the listing; a listing without any account is ErrNoAccounts.
func (ros *roster) finish(err error) {
	ros.mu.Lock()
	defer ros.mu.Unlock()
	if err == nil && ros.listed == 0 {
		err = ErrNoAccounts
	}
	ros.done, ros.err = true, err
	ros.grown.Broadcast()
}

// started waits for the first page or the end of the listing, and returns the listing's error
// when it ended without any page.
func (ros *roster) started() error {
	ros.mu.Lock()
	defer ros.mu.Unlock()
	for ros.listed == 0 && !ros.done {
		ros.grown.Wait()
	}
	if ros.listed == 0 {
		return ros.err
	}
	return nil
}

// count is how many accounts are kept so far.
func (ros *roster) count() int {
	ros.mu.Lock()
	defer ros.mu.Unlock()
	return len(ros.accounts)
}

// wait waits for the end of the listing and returns its error.
func (ros *roster) wait() error {
	ros.mu.Lock()
	defer ros.mu.Unlock()
	for !ros.done {
		ros.grown.Wait()
	}
	return ros.err
}

// all yields every account kept, in listing order, waiting for more until the listing ends.
func (ros *roster) all() iter.Seq[Account] {
	return func(yield func(Account) bool) {
		for i := 0; ; i++ {
			ros.mu.Lock()
			for i >= len(ros.accounts) && !ros.done {
				ros.grown.Wait()
			}
			if i >= len(ros.accounts) {
				ros.mu.Unlock()
				return
			}
			a := ros.accounts[i]
			ros.mu.Unlock()
			if !yield(a) {
				return
			}
		}
	}
}
