//! Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014).
//!
//! Stamps are ordered by (wall_ms, counter, device). A stamp never goes backwards on a
//! device even when the wall clock does, and after observing a remote stamp every later
//! local stamp sorts after it, so outbox entries from many laptops have one total order.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
    pub device: Uuid,
}

impl Hlc {
    /// A fixed-width text form that sorts the same way as the stamp itself.
    pub fn to_sortable_string(&self) -> String {
        format!(
            "{:015}-{:010}-{}",
            self.wall_ms,
            self.counter,
            self.device.as_simple()
        )
    }

    /// Reads back [`Hlc::to_sortable_string`]'s form; `None` for anything else.
    pub fn parse_sortable(text: &str) -> Option<Hlc> {
        let mut parts = text.splitn(3, '-');
        let (wall, counter, device) = (parts.next()?, parts.next()?, parts.next()?);
        if wall.len() != 15 || counter.len() != 10 || device.len() != 32 {
            return None;
        }
        Some(Hlc {
            wall_ms: wall.parse().ok()?,
            counter: counter.parse().ok()?,
            device: Uuid::try_parse(device).ok()?,
        })
    }
}

/// The clock state of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn new(device: Uuid) -> Self {
        Self::resume(Hlc {
            wall_ms: 0,
            counter: 0,
            device,
        })
    }

    /// Continues from the last stamp this device issued (as persisted by the store).
    pub fn resume(last: Hlc) -> Self {
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A stamp for a local event, given the current physical time.
    pub fn tick(&mut self, physical_ms: u64) -> Hlc {
        if physical_ms > self.last.wall_ms {
            self.last.wall_ms = physical_ms;
            self.last.counter = 0;
        } else {
            self.advance(self.last.wall_ms, self.last.counter);
        }
        self.last
    }

    /// A stamp for a local write that replaces what was stamped `floor`: after this
    /// clock's last stamp and after `floor` too, however far ahead `floor` is. A value
    /// written under a clock far ahead (clamped on receipt, so this clock did not follow)
    /// must not outlive the write that replaced it, or replicas would disagree on which
    /// one stands.
    pub fn tick_after(&mut self, floor: Hlc, physical_ms: u64) -> Hlc {
        let stamp = self.tick(physical_ms);
        if (stamp.wall_ms, stamp.counter) > (floor.wall_ms, floor.counter) {
            return stamp;
        }
        self.advance(floor.wall_ms, floor.counter);
        self.last
    }

    /// The stamp just after (`wall_ms`, `counter`): the counter goes up, and when it cannot
    /// the wall part does (by a millisecond), so a stamp never wraps round to an earlier one.
    fn advance(&mut self, wall_ms: u64, counter: u32) {
        match counter.checked_add(1) {
            Some(next) => {
                self.last.wall_ms = wall_ms;
                self.last.counter = next;
            }
            None => {
                self.last.wall_ms = wall_ms.saturating_add(1);
                self.last.counter = 0;
            }
        }
    }

    /// Merges a stamp received from another device, returning the stamp for the receipt.
    ///
    /// A remote stamp more than [`MAX_AHEAD_MS`] ahead of this laptop's clock (a laptop
    /// whose clock is set years ahead) does not drag this clock along: it is clamped to that
    /// bound and the receipt says so (`clamped`), for the change to be flagged to staff.
    /// Then the receipt may sort before the remote stamp; otherwise it always sorts after.
    pub fn observe(&mut self, remote: Hlc, physical_ms: u64) -> Observed {
        let bound = physical_ms.saturating_add(MAX_AHEAD_MS);
        let clamped = remote.wall_ms > bound;
        let (remote_wall, remote_counter) = if clamped {
            (bound, 0)
        } else {
            (remote.wall_ms, remote.counter)
        };
        let wall = physical_ms.max(self.last.wall_ms).max(remote_wall);
        let after = if wall == self.last.wall_ms && wall == remote_wall {
            Some(self.last.counter.max(remote_counter))
        } else if wall == self.last.wall_ms {
            Some(self.last.counter)
        } else if wall == remote_wall {
            Some(remote_counter)
        } else {
            None
        };
        match after {
            Some(counter) => self.advance(wall, counter),
            None => {
                self.last.wall_ms = wall;
                self.last.counter = 0;
            }
        }
        Observed {
            stamp: self.last,
            clamped,
        }
    }
}

/// How far ahead of this laptop's clock a remote stamp may be before it is clamped: a day,
/// so laptops whose clocks are wrong by hours still sync in their true order.
pub const MAX_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// The receipt of a remote stamp: this clock's stamp for it, and whether the remote stamp
/// was too far in the future to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    pub stamp: Hlc,
    pub clamped: bool,
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_write_is_stamped_after_what_it_replaces_however_far_ahead() {
        let device = uuid::Uuid::from_u128(7);
        let mut clock = HlcClock::new(device);
        let far = Hlc {
            wall_ms: 5_000_000,
            counter: 3,
            device: uuid::Uuid::from_u128(u128::MAX),
        };
        let stamp = clock.tick_after(far, 1_000);
        assert!(stamp > far, "{stamp:?}");
        assert_eq!((stamp.wall_ms, stamp.counter), (5_000_000, 4));
        assert!(clock.tick(1_001) > stamp, "the clock goes on from there");
        let near = Hlc {
            wall_ms: 10,
            counter: 0,
            device,
        };
        let mut fresh = HlcClock::new(device);
        assert_eq!(
            fresh.tick_after(near, 2_000).wall_ms,
            2_000,
            "a past floor changes nothing"
        );
    }

    use super::*;
    use proptest::prelude::*;

    fn device(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn wall_clock_going_backwards_still_gives_increasing_stamps() {
        let mut clock = HlcClock::new(device(1));
        let a = clock.tick(1_000);
        let b = clock.tick(500);
        assert!(b > a);
        assert_eq!(b.wall_ms, 1_000);
        assert_eq!(b.counter, 1);
    }

    #[test]
    fn sortable_string_orders_like_the_stamp() {
        let a = Hlc {
            wall_ms: 9,
            counter: 10,
            device: device(2),
        };
        let b = Hlc {
            wall_ms: 10,
            counter: 0,
            device: device(1),
        };
        assert!(a < b);
        assert!(a.to_sortable_string() < b.to_sortable_string());
    }

    proptest! {
        #[test]
        fn local_stamps_strictly_increase(times in proptest::collection::vec(0u64..10_000, 1..200)) {
            let mut clock = HlcClock::new(device(7));
            let mut previous = None;
            for t in times {
                let stamp = clock.tick(t);
                if let Some(p) = previous {
                    prop_assert!(stamp > p);
                }
                previous = Some(stamp);
            }
        }

        #[test]
        fn stamps_after_observing_sort_after_the_remote(
            local in proptest::collection::vec(0u64..10_000, 0..50),
            remote_wall in 0u64..20_000,
            remote_counter in 0u32..1_000,
            now in 0u64..10_000,
        ) {
            let mut clock = HlcClock::new(device(1));
            for t in local { clock.tick(t); }
            let before = clock.last();
            let remote = Hlc { wall_ms: remote_wall, counter: remote_counter, device: device(2) };
            let received = clock.observe(remote, now);
            prop_assert!(!received.clamped);
            prop_assert!(received.stamp > remote);
            prop_assert!(received.stamp > before);
            prop_assert!(clock.tick(now) > received.stamp);
        }

        #[test]
        fn a_stamp_far_ahead_never_drags_the_clock_past_the_bound(
            local in proptest::collection::vec(0u64..10_000, 0..50),
            ahead in 0u64..(3 * MAX_AHEAD_MS),
            remote_counter in any::<u32>(),
            now in 0u64..10_000,
        ) {
            let mut clock = HlcClock::new(device(1));
            for t in local { clock.tick(t); }
            let before = clock.last();
            let remote = Hlc { wall_ms: now + ahead, counter: remote_counter, device: device(2) };
            let received = clock.observe(remote, now);
            prop_assert_eq!(received.clamped, ahead > MAX_AHEAD_MS);
            prop_assert!(received.stamp > before);
            prop_assert!(received.stamp.wall_ms <= (now + MAX_AHEAD_MS).max(before.wall_ms) + 1);
            if !received.clamped {
                prop_assert!(received.stamp > remote);
            }
        }
    }

    #[test]
    fn a_full_counter_moves_the_wall_on_instead_of_wrapping() {
        let mut clock = HlcClock::resume(Hlc {
            wall_ms: 1_000,
            counter: u32::MAX,
            device: device(1),
        });
        let before = clock.last();
        let next = clock.tick(500);
        assert!(next > before);
        assert_eq!((next.wall_ms, next.counter), (1_001, 0));
        let remote = Hlc {
            wall_ms: 1_001,
            counter: u32::MAX,
            device: device(2),
        };
        let merged = clock.observe(remote, 1_000).stamp;
        assert!(merged > remote && merged > next);
    }

    proptest! {
        #[test]
        fn a_stamp_reads_back_from_its_sortable_text(wall in 0u64..999_999_999_999_999, counter: u32, d: u128) {
            let stamp = Hlc { wall_ms: wall, counter, device: device(d) };
            prop_assert_eq!(Hlc::parse_sortable(&stamp.to_sortable_string()), Some(stamp));
        }
    }

    #[test]
    fn text_that_is_not_a_stamp_is_not_read_as_one() {
        for text in [
            "",
            "1-2-3",
            "000000000000001-0000000001-zz",
            "000000000000001-0000000001",
        ] {
            assert_eq!(Hlc::parse_sortable(text), None, "{text}");
        }
    }
}
