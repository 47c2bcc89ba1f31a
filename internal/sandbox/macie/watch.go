package macie

// MemberChange is one change of a member's relationship status, as it happens: every
// CreateMember, every UpdateMemberSession and every SetMember, also when the status stays the
// same.
type MemberChange struct {
	Admin, Region, Account string
	// From is the status before ("" for a new member), To the status after.
	From, To string
}

// Watch calls f with every member change from now on, in the order they happen, replacing any
// earlier watcher (nil stops watching). f runs with the Service's lock held: it must be quick and
// must not call the Service.
func (s *Service) Watch(f func(MemberChange)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watch = f
}

// notify tells the watcher about a change; s.mu must be held.
func (s *Service) notify(c MemberChange) {
	if s.watch != nil {
		s.watch(c)
	}
}
