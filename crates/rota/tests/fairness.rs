//! The planner's promises, over random team sizes, session counts, role lists and absence
//! patterns.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use mixwell_rota::{
    plan, Assignment, Attribute, Breach, FairnessReport, Role, RotaProblem, ValueTurns,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A wave: teams of the given sizes, roles (the first `leading` lead), sessions using all
/// roles or a subset, absences, and one balanced attribute.
fn problem(
    sizes: &[usize],
    roles: usize,
    leading: usize,
    sessions: &[Vec<bool>],
    absent: &[(usize, usize)],
    values: &[u32],
) -> RotaProblem {
    let mut teams = Vec::new();
    let mut next = 0u32;
    for &size in sizes {
        teams.push((next..next + size as u32).collect::<Vec<u32>>());
        next += size as u32;
    }
    let people = next as usize;
    RotaProblem {
        people,
        roles: (0..roles)
            .map(|r| Role {
                name: format!("Role {r}"),
                leading: r < leading,
            })
            .collect(),
        sessions: sessions
            .iter()
            .map(|uses| {
                (0..roles)
                    .filter(|&r| uses.get(r).copied().unwrap_or(true))
                    .collect()
            })
            .collect(),
        teams,
        absent: absent
            .iter()
            .filter(|&&(s, p)| s < sessions.len() && p < people)
            .map(|&(s, p)| (s, p as u32))
            .collect(),
        balance: vec![Attribute {
            name: "gender".into(),
            values: vec!["F".into(), "M".into(), "X".into()],
            of_person: (0..people)
                .map(|p| Some(values[p % values.len()] % 3))
                .collect(),
        }],
        ..RotaProblem::default()
    }
}

/// Random problems; `uniform` makes every session use every role.
fn arb_problem(absence_rate: f64) -> impl Strategy<Value = RotaProblem> {
    arb_problem_with(absence_rate, 0.85)
}

fn arb_problem_with(absence_rate: f64, role_used: f64) -> impl Strategy<Value = RotaProblem> {
    (
        prop::collection::vec(1usize..14, 1..6),
        1usize..6,
        1usize..20,
        any::<u64>(),
    )
        .prop_flat_map(move |(sizes, roles, sessions, _)| {
            let people: usize = sizes.iter().sum();
            (
                Just(sizes),
                Just(roles),
                0..=roles,
                prop::collection::vec(
                    prop::collection::vec(prop::bool::weighted(role_used), roles),
                    sessions,
                ),
                prop::collection::vec(
                    (0..sessions, 0..people.max(1)),
                    0..=((people * sessions) as f64 * absence_rate) as usize,
                ),
                prop::collection::vec(0u32..3, people.max(1)),
            )
        })
        .prop_map(|(sizes, roles, leading, sessions, absent, values)| {
            problem(&sizes, roles, leading, &sessions, &absent, &values)
        })
}

/// Who fills what: only people of the team who are present, one role each, and exactly the
/// first roles in use when fewer people than roles are there.
fn assert_well_formed(p: &RotaProblem, rota: &[Assignment]) {
    let absent: HashSet<(usize, u32)> = p.absent.iter().copied().collect();
    let mut cells: HashMap<(usize, usize), Vec<&Assignment>> = HashMap::new();
    for a in rota {
        assert!(
            p.teams[a.team].contains(&a.person),
            "{a:?} is not in the team"
        );
        assert!(!absent.contains(&(a.session, a.person)), "{a:?} is away");
        cells.entry((a.session, a.team)).or_default().push(a);
    }
    for s in p.from_session..p.sessions.len() {
        let mut busy = HashSet::new();
        for (t, members) in p.teams.iter().enumerate() {
            let present = members
                .iter()
                .filter(|&&m| !absent.contains(&(s, m)))
                .count();
            let expected: Vec<usize> = p.sessions[s].iter().copied().take(present).collect();
            let mut got: Vec<usize> = cells
                .get(&(s, t))
                .map(|c| c.iter().map(|a| a.role).collect())
                .unwrap_or_default();
            got.sort_unstable();
            let mut want = expected.clone();
            want.sort_unstable();
            assert_eq!(got, want, "session {s} team {t}");
            for a in cells.get(&(s, t)).into_iter().flatten() {
                assert!(busy.insert(a.person), "{a:?} holds two roles");
            }
        }
    }
}

/// Four more balanced attributes of two to five values, spread over people by `salt`.
fn with_five_attributes(mut p: RotaProblem, salt: u64) -> RotaProblem {
    for k in 1..5u64 {
        p.balance.push(Attribute {
            name: format!("attribute {k}"),
            values: (0..=k).map(|v| format!("value {v}")).collect(),
            of_person: (0..p.people as u64)
                .map(|i| Some((((i + 7).wrapping_mul(salt ^ k) >> 7) % (k + 1)) as u32))
                .collect(),
        });
    }
    p
}

/// No rule broken, and every background exactly at its fair share of leading turns.
fn assert_no_breach_and_nobody_above_a_fair_share(p: &RotaProblem, rota: &[Assignment]) {
    let report = FairnessReport::check(p, rota);
    assert!(report.breaches.is_empty(), "{:?}", report.breaches);
    assert!(
        report
            .equal_status
            .iter()
            .all(|row| row.mean_excess.abs() < 1e-9),
        "{:?}",
        report.equal_status
    );
}

/// Adds attributes 1, 2, ... with each person's value from `values` (attribute k has k + 1
/// values).
fn with_attributes(mut p: RotaProblem, values: &[&[u32]]) -> RotaProblem {
    for (k, of) in values.iter().enumerate() {
        p.balance.push(Attribute {
            name: format!("attribute {}", k + 1),
            values: (0..=k + 1).map(|v| format!("value {v}")).collect(),
            of_person: of.iter().map(|&v| Some(v)).collect(),
        });
    }
    p
}

/// Plans `p` and returns rule 4's breaches, with leading turns by background.
fn unequal_status(p: &RotaProblem, seed: u64) -> (Vec<Breach>, Vec<ValueTurns>) {
    let report = FairnessReport::check(p, &plan(p, seed).unwrap());
    let unequal = report
        .breaches
        .into_iter()
        .filter(|b| matches!(b, Breach::UnequalStatus { .. }))
        .collect();
    (unequal, report.equal_status)
}

fn breaches(report: &FairnessReport, keep: impl Fn(&Breach) -> bool) -> Vec<&Breach> {
    report.breaches.iter().filter(|b| keep(b)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rotas_are_well_formed_and_nobody_leads_twice_before_everyone_present_led_once(
        p in arb_problem(0.3), seed in any::<u64>()
    ) {
        let rota = plan(&p, seed).unwrap();
        assert_well_formed(&p, &rota);
        let report = FairnessReport::check(&p, &rota);
        let wrong = breaches(&report, |b| matches!(
            b,
            Breach::LedAgainFirst { .. } | Breach::Absent { .. } | Breach::Misplaced { .. } | Breach::LockNotKept { .. }
        ));
        prop_assert!(wrong.is_empty(), "{wrong:?}");
    }

    /// Rule 2 where the sessions allow it: every session uses every role, and everyone is
    /// there. Every role is evened out, whatever the number of leading roles (with several,
    /// the share-out of leading turns decides how many turns of the other roles each person
    /// can have, and chains pass those roles and sitting out along to fit).
    #[test]
    fn without_absences_every_role_is_shared_within_one_turn(
        p in arb_problem_with(0.0, 1.0), seed in any::<u64>()
    ) {
        let mut p = p;
        let every_role: Vec<usize> = (0..p.roles.len()).collect();
        p.sessions.iter_mut().for_each(|s| s.clone_from(&every_role));
        let rota = plan(&p, seed).unwrap();
        let report = FairnessReport::check(&p, &rota);
        let uneven = breaches(&report, |b| matches!(b, Breach::UnevenRole { .. }));
        prop_assert!(uneven.is_empty(), "{uneven:?}");
    }

    #[test]
    fn nobody_holds_a_role_two_sessions_running_when_a_teammate_could_instead(
        p in arb_problem(0.3), seed in any::<u64>()
    ) {
        let rota = plan(&p, seed).unwrap();
        let report = FairnessReport::check(&p, &rota);
        let again = breaches(&report, |b| matches!(b, Breach::TwoRunning { .. }));
        prop_assert!(again.is_empty(), "{again:?}");
    }

    /// Rule 4 within a team, with one leading role (the programme default) and everyone
    /// there: the spare turns of the last round go so that no background's mean is more than
    /// one turn per group off another's.
    #[test]
    fn backgrounds_lead_equally_up_to_rounding(p in arb_problem(0.0), seed in any::<u64>()) {
        let mut p = p;
        p.teams.truncate(1);
        for (r, role) in p.roles.iter_mut().enumerate() {
            role.leading = r == 0;
        }
        let (unequal, by_background) = unequal_status(&p, seed);
        prop_assert!(unequal.is_empty(), "{unequal:?}\n{by_background:?}");
    }

    /// Rule 4 across the wave: the spare turns of every team's last round are shared out
    /// together, so no background leads more often than another beyond rounding, however
    /// the backgrounds are spread over the teams, with five balanced attributes and any
    /// number of leading roles.
    #[test]
    fn backgrounds_lead_equally_across_the_wave(
        p in arb_problem(0.0), seed in any::<u64>(), salt in any::<u64>()
    ) {
        let p = with_five_attributes(p, salt);
        let (unequal, by_background) = unequal_status(&p, seed);
        prop_assert!(unequal.is_empty(), "{unequal:?}\n{by_background:?}");
    }

    /// Rule 4 with people away, one in ten of every person's sessions, known when the rota
    /// is planned: leading less only because one was away is not unequal status (a fair
    /// share is what rule 1 gives if turns could be split), and the share-out plays through
    /// the sessions of teams with someone away to find spare owners, and an order within
    /// rounds, that keep every background within rounding.
    #[test]
    fn backgrounds_lead_equally_with_people_away(
        p in arb_problem(0.1), seed in any::<u64>(), salt in any::<u64>()
    ) {
        let p = with_five_attributes(p, salt);
        let (unequal, by_background) = unequal_status(&p, seed);
        prop_assert!(unequal.is_empty(), "{unequal:?}\n{by_background:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_rota(p in arb_problem(0.2), seed in any::<u64>()) {
        prop_assert_eq!(plan(&p, seed).unwrap(), plan(&p, seed).unwrap());
    }

    /// Marking someone away part-way re-plans the rest: the sessions already run are kept,
    /// the person is not given a role while away, and after coming back they lead before
    /// anyone who has led more.
    #[test]
    fn an_absence_replans_the_sessions_that_follow(
        p in arb_problem(0.0), seed in any::<u64>(), at in 0usize..20, who in 0usize..70
    ) {
        let first = plan(&p, seed).unwrap();
        let at = at % p.sessions.len();
        let who = (who % p.people) as u32;
        let mut later = p.clone();
        later.from_session = at;
        later.history = first.iter().copied().filter(|a| a.session < at).collect();
        later.absent.push((at, who));
        let replanned = plan(&later, seed).unwrap();
        prop_assert!(replanned.iter().all(|a| a.session >= at));
        prop_assert!(!replanned.iter().any(|a| a.session == at && a.person == who));
        let mut whole = later.history.clone();
        whole.extend(replanned.iter().copied());
        assert_well_formed(&later, &replanned);
        let report = FairnessReport::check(&later, &whole);
        let wrong = breaches(&report, |b| matches!(b, Breach::LedAgainFirst { .. } | Breach::Absent { .. }));
        prop_assert!(wrong.is_empty(), "{wrong:?}");
    }
}

#[test]
fn a_locked_assignment_is_kept_and_a_lock_on_someone_away_is_reported() {
    let mut p = problem(&[4], 2, 1, &vec![vec![true, true]; 3], &[], &[0, 1, 0, 1]);
    p.locked = vec![
        Assignment {
            session: 1,
            team: 0,
            role: 0,
            person: 3,
        },
        Assignment {
            session: 2,
            team: 0,
            role: 0,
            person: 2,
        },
    ];
    p.absent = vec![(2, 2)];
    let rota = plan(&p, 1).unwrap();
    assert!(rota.contains(&p.locked[0]));
    assert!(!rota.iter().any(|a| a.session == 2 && a.person == 2));
    let report = FairnessReport::check(&p, &rota);
    assert_eq!(
        report.breaches,
        vec![Breach::LockNotKept {
            session: 2,
            team: 0,
            role: 0,
            person: 2
        }]
    );
}

#[test]
fn a_hand_edit_that_gives_a_second_lead_too_soon_is_named() {
    let p = problem(&[3], 1, 1, &vec![vec![true]; 3], &[], &[0, 1, 2]);
    let lead = |session, person| Assignment {
        session,
        team: 0,
        role: 0,
        person,
    };
    let rota = vec![lead(0, 0), lead(1, 0), lead(2, 1)];
    let report = FairnessReport::check(&p, &rota);
    assert!(report.breaches.contains(&Breach::LedAgainFirst {
        session: 1,
        team: 0,
        person: 0,
        waiting: 1
    }));
    assert_eq!(report.not_led_yet, vec![2]);
}

/// Regression: with two leading roles out of five, a team of six over eleven sessions has
/// one person who sits out only once, and holding every role within one turn then needs
/// that person to lead four times. The share-out of leading turns could give the four
/// turns to others, leaving the one who sits out least a third turn of some other role.
/// Chains that pass the other roles and sitting out along now even it out.
#[test]
fn the_one_who_sits_out_least_is_not_left_a_third_turn_of_a_role_when_two_lead() {
    let p = problem(
        &[6],
        5,
        2,
        &vec![vec![true; 5]; 11],
        &[],
        &[2, 2, 2, 2, 0, 1],
    );
    for seed in (0..64).chain([14_655_718_633_810_130_972]) {
        let rota = plan(&p, seed).unwrap();
        let report = FairnessReport::check(&p, &rota);
        let uneven = breaches(&report, |b| matches!(b, Breach::UnevenRole { .. }));
        assert!(uneven.is_empty(), "seed {seed}: {uneven:?}");
        let again = breaches(&report, |b| matches!(b, Breach::TwoRunning { .. }));
        assert!(again.is_empty(), "seed {seed}: {again:?}");
    }
}

/// Regression: someone away for the last session was left a turn short (8 leading turns to
/// the others' 10) because before it they tied with a teammate who could still lead in it,
/// and the tie went the wrong way. Whoever will be away for the chances they would wait for
/// now leads first, and the last round's spare turns go to people there for it.
#[test]
fn someone_away_for_the_last_session_is_not_left_a_leading_turn_short() {
    let uses = |roles: &[usize]| (0..2).map(|r| roles.contains(&r)).collect::<Vec<bool>>();
    let mut sessions = vec![
        uses(&[1]),
        uses(&[0, 1]),
        uses(&[]),
        uses(&[0, 1]),
        uses(&[0]),
        uses(&[1]),
    ];
    sessions.extend([uses(&[0, 1]), uses(&[0, 1]), uses(&[0, 1]), uses(&[1])]);
    sessions.extend(std::iter::repeat_n(uses(&[0, 1]), 7));
    let mut p = problem(&[3], 2, 2, &sessions, &[(16, 1)], &[0, 0, 0]);
    for (name, values, of) in [("a", 4, [3, 1, 3]), ("b", 5, [1, 3, 1])] {
        p.balance.push(Attribute {
            name: name.into(),
            values: (0..values).map(|v| format!("value {v}")).collect(),
            of_person: of.iter().map(|&v| Some(v)).collect(),
        });
    }
    let rota = plan(&p, 1_765_799_667_498_440_350).unwrap();
    let mut leads = [0u32; 3];
    for a in &rota {
        leads[a.person as usize] += 1;
    }
    assert!(
        leads.iter().max().unwrap() - leads.iter().min().unwrap() <= 1,
        "{leads:?}"
    );
    let report = FairnessReport::check(&p, &rota);
    assert!(report.breaches.is_empty(), "{:?}", report.breaches);
}

/// Regression: in a team no larger than its leading roles everyone there leads every
/// session, so someone away twice leads twice less; that was reported as their background
/// leading less. A fair share now stops at the chances someone was there for.
#[test]
fn leading_less_only_because_away_is_not_unequal_status() {
    let p = problem(
        &[3],
        3,
        3,
        &vec![vec![true; 3]; 14],
        &[(0, 1), (3, 1), (1, 2), (8, 2)],
        &[0, 1, 1],
    );
    let rota = plan(&p, 5).unwrap();
    let mut leads = [0u32; 3];
    for a in &rota {
        leads[a.person as usize] += 1;
    }
    assert_eq!(leads, [14, 12, 12], "everyone there leads");
    assert_no_breach_and_nobody_above_a_fair_share(&p, &rota);
}

/// Regression: in a team of two with two leading roles, both lead whenever both are there
/// and the sessions that use one leading role alternate; whoever is there when the other is
/// away leads alone. One who was away twice led 11 times to the other's 13, which the fair
/// share (12 each, capped only by the sessions someone was there for) counted as one
/// background a turn ahead of the other. Rule 1 forced it: a fair share is now what rule 1
/// gives if turns could be split.
#[test]
fn leading_more_only_because_a_teammate_was_away_is_not_excess() {
    let one_leading = vec![true, false, true, true];
    let mut sessions = vec![vec![true; 4]; 15];
    for s in [0, 2, 4, 8] {
        sessions[s].clone_from(&one_leading);
    }
    let p = problem(&[2], 4, 2, &sessions, &[(10, 0), (13, 0)], &[0, 1]);
    let rota = plan(&p, 3).unwrap();
    let mut leads = [0u32; 2];
    for a in rota.iter().filter(|a| a.role < 2) {
        leads[a.person as usize] += 1;
    }
    assert_eq!(leads, [11, 13], "forced by rule 1");
    assert_no_breach_and_nobody_above_a_fair_share(&p, &rota);
}

/// Regression: a team of five with two leading roles, sessions using one or both, and
/// people away nine times. Sharing out only the last round's spare turns could not keep
/// rule 4 (attribute 1 a turn and a bit apart), though rule 1 allows orders that do: who
/// leads first within a round decides who is there when their next turn comes. The broad
/// search of the share-out moves priority between any two members of such a team.
#[test]
fn with_people_away_the_order_within_rounds_is_shared_out_too() {
    let both = vec![true, true];
    let first = vec![true, false];
    let second = vec![false, true];
    let mut sessions = vec![both.clone(); 6];
    sessions.extend([
        second.clone(),
        first.clone(),
        second,
        first.clone(),
        both.clone(),
        first,
    ]);
    sessions.extend([both.clone(), both.clone(), both]);
    let absent = [
        (3, 0),
        (14, 0),
        (12, 1),
        (8, 1),
        (0, 0),
        (13, 1),
        (0, 1),
        (14, 1),
        (2, 1),
    ];
    let p = with_attributes(
        problem(&[5], 2, 2, &sessions, &absent, &[2, 1, 0, 0, 1]),
        &[
            &[1, 0, 1, 1, 0],
            &[2, 2, 0, 2, 0],
            &[1, 2, 3, 0, 0],
            &[4, 1, 0, 2, 2],
        ],
    );
    for seed in (0..16).chain([4_535_523_407_142_662_268]) {
        let (unequal, by_background) = unequal_status(&p, seed);
        assert!(
            unequal.is_empty(),
            "seed {seed}: {unequal:?}
{by_background:?}"
        );
    }
}

/// How often the rules the planner cannot promise in every case break, over random waves
/// with people away (the figures in ARCHITECTURE.md): rule 4 when absences are known as the
/// rota is planned, rule 2 when every session uses every role, and rule 4 after re-planning
/// for absences marked at a session part-way. Run with
/// `MIXWELL_ROTA_WAVES=10000 MIXWELL_ROTA_AWAY=0.1 cargo test --release -p mixwell-rota --test fairness -- --ignored --nocapture how_often`.
#[test]
#[ignore = "a measurement that prints rates, not a check"]
fn how_often_rules_break_with_people_away() {
    let setting = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let waves = setting("MIXWELL_ROTA_WAVES", 3000.0) as usize;
    let away = setting("MIXWELL_ROTA_AWAY", 0.1);
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let waves_with = (
        arb_problem(away),
        any::<u64>(),
        any::<u64>(),
        0usize..20,
        0usize..70,
    );
    let broken = |p: &RotaProblem, rota: &[Assignment], rule: fn(&Breach) -> bool| {
        FairnessReport::check(p, rota).breaches.iter().any(rule)
    };
    let unequal: fn(&Breach) -> bool = |b| matches!(b, Breach::UnequalStatus { .. });
    let uneven: fn(&Breach) -> bool = |b| matches!(b, Breach::UnevenRole { .. });
    let (mut rule_4, mut rule_2, mut replanned_4) = (0, 0, 0);
    let mut slowest = (Duration::ZERO, 0);
    for wave in 0..waves {
        let (p, seed, salt, at, who) = waves_with.new_tree(&mut runner).unwrap().current();
        let p = with_five_attributes(p, salt);
        let started = Instant::now();
        let rota = plan(&p, seed).unwrap();
        slowest = slowest.max((started.elapsed(), wave));
        if broken(&p, &rota, unequal) {
            rule_4 += 1;
            println!("  wave {wave} (seed {seed}, salt {salt}) breaks rule 4");
        }

        let mut every_role = p.clone();
        let all: Vec<usize> = (0..p.roles.len()).collect();
        every_role
            .sessions
            .iter_mut()
            .for_each(|s| s.clone_from(&all));
        rule_2 += usize::from(broken(
            &every_role,
            &plan(&every_role, seed).unwrap(),
            uneven,
        ));

        let at = at % p.sessions.len();
        let mut later = p.clone();
        later.from_session = at;
        later.history = rota.iter().copied().filter(|a| a.session < at).collect();
        later.absent.push((at, (who % p.people) as u32));
        let mut whole = later.history.clone();
        whole.extend(plan(&later, seed).unwrap());
        replanned_4 += usize::from(broken(&later, &whole, unequal));
    }
    println!("{waves} waves, {away} of sessions missed:");
    println!("  rule 4 broken in {rule_4}");
    println!("  rule 2 broken in {rule_2} (every session uses every role)");
    println!("  rule 4 broken in {replanned_4} after re-planning for one more absence part-way");
    println!(
        "  slowest plan {:.1} ms (wave {})",
        slowest.0.as_secs_f64() * 1e3,
        slowest.1
    );
}

/// Regression: a team of five with one leading role and four people away now and then. Two
/// members the share-out ranked equal (as many turns to reach, as much slack) tied for the
/// second session; the planner broke the tie its own way, one of them was then away when
/// their third turn came, a teammate took it and rule 4 broke (attribute 3). Where a tie
/// changes the totals, the planner now lets lead first whoever the share-out did.
#[test]
fn a_tie_that_changes_who_is_there_for_their_turn_goes_the_share_outs_way() {
    let uses: Vec<bool> = "10111010111111011".chars().map(|c| c == '1').collect();
    let sessions: Vec<Vec<bool>> = uses.iter().map(|&used| vec![used]).collect();
    let absent = [
        (15, 4),
        (16, 1),
        (16, 0),
        (5, 1),
        (10, 3),
        (1, 6),
        (5, 5),
        (7, 1),
        (14, 3),
        (13, 0),
    ];
    let p = with_attributes(
        problem(&[5, 2], 1, 1, &sessions, &absent, &[0, 2, 2, 0, 1, 0, 2]),
        &[
            &[0, 0, 0, 1, 1, 1, 1],
            &[2, 1, 1, 2, 2, 1, 0],
            &[0, 2, 0, 1, 3, 1, 3],
            &[2, 1, 2, 1, 3, 2, 1],
        ],
    );
    for seed in (0..16).chain([10_031_241_811_875_584_996]) {
        let (unequal, by_background) = unequal_status(&p, seed);
        assert!(
            unequal.is_empty(),
            "seed {seed}: {unequal:?}
{by_background:?}"
        );
    }
}

/// Regression (found by `backgrounds_lead_equally_with_people_away` in CI): a team of four
/// with three leading roles, one member away twice near the end. Moving a unit of priority
/// to that member plays out as one more turn for them, but settling the priorities on what
/// that play gave led back to the share-out as it stood, so the broad search never saw the
/// better one and attribute 2 broke rule 4. The broad search now also offers each trial
/// played as given.
#[test]
fn a_trial_that_settles_back_to_where_the_search_stands_is_also_played_as_given() {
    let mut p = problem(&[4, 1, 6], 4, 3, &[], &[], &[0]);
    p.sessions = vec![
        vec![0, 1, 2],
        vec![0, 1, 2],
        vec![0, 1, 2],
        vec![0, 2],
        vec![0, 1, 2, 3],
        vec![0, 1, 2, 3],
        vec![0, 1, 2, 3],
        vec![0, 1, 2, 3],
    ];
    p.absent = vec![(5, 6), (4, 7), (4, 2), (7, 2), (3, 0)];
    let gender = [1, 1, 2, 2, 2, 0, 1, 1, 2, 1, 0];
    p.balance[0].of_person = gender.iter().map(|&g| Some(g)).collect();
    let p = with_five_attributes(p, 4_274_337_288_335_461_616);
    let (unequal, by_background) = unequal_status(&p, 3_685_289_918_362_650_861);
    assert!(unequal.is_empty(), "{unequal:?}\n{by_background:?}");
}
