//! What the screens read: a participant's timeline and totals, a wave's board and its
//! queue of entries waiting for a decision.

use super::*;

impl Store {
    pub(super) fn milestones_as_rules(&self, programme_id: Id) -> StoreResult<Vec<Milestone>> {
        Ok(self
            .milestones(programme_id)?
            .into_iter()
            .map(|m| Milestone {
                name: m.name,
                minutes: m.minutes,
                within_months: m.within_months,
            })
            .collect())
    }

    /// A participant's totals and milestones today.
    pub fn participant_hours(&self, participant_id: Id) -> StoreResult<ParticipantHours> {
        Ok(self.hours_timeline_parts(participant_id)?.0)
    }

    pub(super) fn hours_timeline_parts(
        &self,
        participant_id: Id,
    ) -> StoreResult<(ParticipantHours, Ledger, Vec<Effective>)> {
        let participant = self.participant(participant_id)?;
        let wave = self.wave(participant.wave_id)?;
        let rules = self.milestones_as_rules(wave.programme_id)?;
        let ledger = Ledger::of_participant(self.conn(), participant_id)?;
        let chains = ledger.chains();
        let refs: Vec<&Effective> = chains.iter().collect();
        let hours = standing(&participant, &refs, &rules, self.today());
        Ok((hours, ledger, chains))
    }

    /// A participant's page: totals, milestones and every entry with its history.
    pub fn hours_timeline(&self, participant_id: Id) -> StoreResult<HoursTimeline> {
        let (hours, ledger, chains) = self.hours_timeline_parts(participant_id)?;
        let names = self.organisation_names()?;
        let mut entries: Vec<EntryHistory> = chains
            .into_iter()
            .filter_map(|state| {
                let original = ledger.entries.iter().find(|e| e.id == state.entry_id)?;
                Some(EntryHistory {
                    organisation: names
                        .get(&original.organisation_id)
                        .cloned()
                        .unwrap_or_default(),
                    corrections: in_order(
                        ledger
                            .entries
                            .iter()
                            .filter(|e| e.corrects == Some(original.id)),
                        |e| (e.hlc.as_str(), e.id),
                    ),
                    decisions: in_order(
                        ledger
                            .decisions
                            .iter()
                            .filter(|d| d.entry_id == original.id),
                        |d| (d.hlc.as_str(), d.id),
                    ),
                    original: original.clone(),
                    effective: state,
                })
            })
            .collect();
        entries.sort_by(|a, b| {
            (b.original.date, &b.original.hlc).cmp(&(a.original.date, &a.original.hlc))
        });
        Ok(HoursTimeline { hours, entries })
    }

    /// Every participant of a wave with their totals and milestones today, in the wave's
    /// order of participants.
    pub fn wave_hours(&self, wave_id: Id) -> StoreResult<Vec<ParticipantHours>> {
        let wave = self.wave(wave_id)?;
        let rules = self.milestones_as_rules(wave.programme_id)?;
        let participants = self.participants(wave_id)?;
        let chains = Ledger::of_wave(self.conn(), wave_id)?.chains();
        let mut by_participant: HashMap<Id, Vec<&Effective>> = HashMap::new();
        for c in &chains {
            by_participant.entry(c.participant_id).or_default().push(c);
        }
        let today = self.today();
        Ok(participants
            .iter()
            .map(|p| {
                let mine = by_participant.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
                standing(p, mine, &rules, today)
            })
            .collect())
    }

    /// The wave's entries waiting for a decision, oldest day first.
    pub fn pending_hours(&self, wave_id: Id) -> StoreResult<Vec<PendingHours>> {
        self.wave(wave_id)?;
        let ledger = Ledger::of_wave(self.conn(), wave_id)?;
        let names = self.organisation_names()?;
        let people: HashMap<Id, String> = self
            .participants(wave_id)?
            .into_iter()
            .map(|p| (p.id, p.record.full_name()))
            .collect();
        let mut pending: Vec<PendingHours> = ledger
            .chains()
            .into_iter()
            .filter(|c| c.status == Status::Pending)
            .filter_map(|c| {
                let original = ledger.entries.iter().find(|e| e.id == c.entry_id)?;
                Some(PendingHours {
                    entry_id: c.entry_id,
                    participant_id: c.participant_id,
                    participant_name: people.get(&c.participant_id).cloned().unwrap_or_default(),
                    organisation: names.get(&c.organisation_id).cloned().unwrap_or_default(),
                    date: c.date,
                    minutes: c.minutes,
                    activity: original.activity.clone(),
                    logged_by: original.logged_by.clone(),
                })
            })
            .collect();
        pending.sort_by(|a, b| (a.date, &a.participant_name).cmp(&(b.date, &b.participant_name)));
        Ok(pending)
    }
}

/// What happened to an entry, in the order it was recorded: by HLC stamp (`key`), then id.
pub(super) fn in_order<'a, T: Clone + 'a>(
    items: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> (&str, Id),
) -> Vec<T> {
    let mut items: Vec<T> = items.cloned().collect();
    items.sort_by(|a, b| key(a).cmp(&key(b)));
    items
}

pub(super) fn standing(
    participant: &mixwell_domain::Participant,
    chains: &[&Effective],
    rules: &[Milestone],
    today: NaiveDate,
) -> ParticipantHours {
    ParticipantHours {
        participant_id: participant.id,
        external_id: participant.record.external_id.clone(),
        name: participant.record.full_name(),
        totals: totals(chains.iter().copied()),
        first_day: chains.iter().filter(|c| c.stands()).map(|c| c.date).min(),
        milestones: progress(chains, rules, today),
    }
}
