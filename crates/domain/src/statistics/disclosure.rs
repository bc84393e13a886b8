//! Disclosure control: small counts are suppressed, and so are the cells
//! that would let someone get them back by subtraction.
//!
//! Every figure of a report is a cell; a cell shown in several tables is one
//! cell, so it is suppressed everywhere or nowhere. Sums say which cells add
//! up to which (a total and its parts, including parts no table shows, like
//! "admitted but not activated"). A cell is suppressed when it is above zero
//! and below the threshold (primary suppression, shown as "< 3"); then,
//! until nothing changes, every sum with exactly one hidden cell gets a
//! second one, the smallest other non-zero cell (secondary suppression,
//! shown as "reservado": it is not small, and saying "< 3" would be
//! false), so no sum ever has a single unknown. Zeros are shown: a zero
//! reveals no one.

use serde::Serialize;

/// A cell of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(usize);

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    /// A median in tenths (of working days), computed over the deadlines
    /// counted in `basis`: shown only when the basis is.
    Median {
        basis: CellId,
    },
}

/// A figure as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Figure {
    Count(u64),
    /// Working days, in tenths (125 is 12.5).
    MedianTenths(u64),
    /// A median with nothing to compute it over.
    NoMedian,
    /// Above zero and below the threshold.
    Suppressed,
    /// Hidden so that a small count cannot be had by subtraction (or a
    /// median computed over too few deadlines).
    Withheld,
}

impl Figure {
    /// For people: `12`, `12,5`, `—`, `< 3` or `reservado`.
    pub fn display(self, threshold: u64) -> String {
        match self {
            Figure::Count(n) => n.to_string(),
            Figure::MedianTenths(t) if t % 10 == 0 => (t / 10).to_string(),
            Figure::MedianTenths(t) => format!("{},{}", t / 10, t % 10),
            Figure::NoMedian => "—".to_owned(),
            Figure::Suppressed => format!("< {threshold}"),
            Figure::Withheld => "reservado".to_owned(),
        }
    }

    /// Hidden, for either reason.
    pub fn hidden(self) -> bool {
        matches!(self, Figure::Suppressed | Figure::Withheld)
    }
}

/// The cells of a report and the sums that bind them.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    values: Vec<Option<u64>>,
    kinds: Vec<Kind>,
    names: std::collections::HashMap<String, CellId>,
    sums: Vec<(CellId, Vec<CellId>)>,
}

impl Cells {
    /// The count named `name` (the same name is the same cell).
    pub fn count(&mut self, name: &str, value: u64) -> CellId {
        self.cell(name, Some(value), Kind::Count)
    }

    /// A median in tenths over the deadlines counted in `basis`; `None`
    /// when there were none.
    pub fn median(&mut self, name: &str, tenths: Option<u64>, basis: CellId) -> CellId {
        self.cell(name, tenths, Kind::Median { basis })
    }

    fn cell(&mut self, name: &str, value: Option<u64>, kind: Kind) -> CellId {
        if let Some(id) = self.names.get(name) {
            return *id;
        }
        let id = CellId(self.values.len());
        self.values.push(value);
        self.kinds.push(kind);
        self.names.insert(name.to_owned(), id);
        id
    }

    /// `total` is the sum of `parts`.
    pub fn sum(&mut self, total: CellId, parts: Vec<CellId>) {
        self.sums.push((total, parts));
    }

    /// Every figure as published: exact, or with small counts suppressed
    /// below `threshold`.
    pub fn publish(&self, threshold: Option<u64>) -> Published {
        let hidden = match threshold {
            Some(threshold) => self.hidden(threshold),
            None => vec![Hidden::No; self.values.len()],
        };
        let figures = self
            .values
            .iter()
            .zip(&self.kinds)
            .zip(&hidden)
            .map(|((value, kind), hidden)| match (kind, value, hidden) {
                (_, _, Hidden::Small) => Figure::Suppressed,
                (_, _, Hidden::Partner) => Figure::Withheld,
                (Kind::Count, value, Hidden::No) => Figure::Count(value.unwrap_or(0)),
                (Kind::Median { .. }, Some(t), Hidden::No) => Figure::MedianTenths(*t),
                (Kind::Median { .. }, None, Hidden::No) => Figure::NoMedian,
            })
            .collect();
        Published { figures }
    }

    fn value(&self, id: CellId) -> u64 {
        self.values[id.0].unwrap_or(0)
    }

    fn hidden(&self, threshold: u64) -> Vec<Hidden> {
        let small = |n: u64| n > 0 && n < threshold;
        let mut hidden: Vec<Hidden> = self
            .kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| match matches!(kind, Kind::Count) && small(self.value(CellId(i))) {
                true => Hidden::Small,
                false => Hidden::No,
            })
            .collect();
        loop {
            let mut changed = false;
            for (total, parts) in &self.sums {
                let members: Vec<CellId> = std::iter::once(*total).chain(parts.iter().copied()).collect();
                if members.iter().filter(|c| hidden[c.0] != Hidden::No).count() != 1 {
                    continue;
                }
                // The smallest other non-zero cell; parts before the total
                // at equal value, so totals stay visible when they can.
                let second = members
                    .iter()
                    .filter(|c| hidden[c.0] == Hidden::No && self.value(**c) > 0)
                    .min_by_key(|c| (self.value(**c), **c == *total, c.0));
                if let Some(cell) = second {
                    hidden[cell.0] = Hidden::Partner;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Medians follow the count they were computed over.
        for (i, kind) in self.kinds.iter().enumerate() {
            if let Kind::Median { basis } = kind
                && (hidden[basis.0] != Hidden::No || self.value(*basis) < threshold)
            {
                hidden[i] = Hidden::Partner;
            }
        }
        hidden
    }
}

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hidden {
    No,
    /// A small count.
    Small,
    /// The partner of a small count in some sum.
    Partner,
}

/// The figures of every cell, after disclosure control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    figures: Vec<Figure>,
}

impl Published {
    pub fn figure(&self, cell: CellId) -> Figure {
        self.figures.get(cell.0).copied().unwrap_or(Figure::Withheld)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn partition(values: &[u64]) -> (Cells, CellId, Vec<CellId>) {
        let mut cells = Cells::default();
        let total = cells.count("total", values.iter().sum());
        let parts: Vec<CellId> = values.iter().enumerate().map(|(i, v)| cells.count(&format!("p{i}"), *v)).collect();
        cells.sum(total, parts.clone());
        (cells, total, parts)
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it() {
        let (cells, total, parts) = partition(&[2, 10, 7, 0]);
        let published = cells.publish(Some(3));
        let shown: Vec<Figure> = parts.iter().map(|p| published.figure(*p)).collect();
        assert_eq!(shown, [Figure::Suppressed, Figure::Count(10), Figure::Withheld, Figure::Count(0)]);
        assert_eq!(Figure::Withheld.display(3), "reservado");
        assert_eq!(published.figure(total), Figure::Count(19));
        assert_eq!(Figure::Suppressed.display(3), "< 3");
    }

    #[test]
    fn with_no_other_part_the_total_goes() {
        let (cells, total, parts) = partition(&[1, 0, 0]);
        let published = cells.publish(Some(3));
        assert_eq!(published.figure(parts[0]), Figure::Suppressed);
        assert_eq!(published.figure(total), Figure::Suppressed);
    }

    #[test]
    fn exact_figures_for_those_allowed() {
        let (cells, total, parts) = partition(&[1, 2]);
        let published = cells.publish(None);
        assert_eq!((published.figure(total), published.figure(parts[0])), (Figure::Count(3), Figure::Count(1)));
    }

    #[test]
    fn suppression_spreads_across_tables_through_shared_cells() {
        // Departments: A = 2 (small), B = 10, C = 12; A's provinces: 2 and 0.
        // B's provinces: 9 and 1. A's small total hides another department
        // (B, the smallest), and B's small province then has B as its
        // partner: every sum keeps two unknowns or none.
        let mut cells = Cells::default();
        let all = cells.count("all", 24);
        let a = cells.count("A", 2);
        let b = cells.count("B", 10);
        let c = cells.count("C", 12);
        cells.sum(all, vec![a, b, c]);
        let (a1, a2) = (cells.count("A1", 2), cells.count("A2", 0));
        cells.sum(a, vec![a1, a2]);
        let (b1, b2) = (cells.count("B1", 9), cells.count("B2", 1));
        cells.sum(b, vec![b1, b2]);
        let published = cells.publish(Some(3));
        assert_eq!(published.figure(b1), Figure::Count(9));
        for hidden in [a, a1, b, b2] {
            assert!(published.figure(hidden).hidden(), "{hidden:?}");
        }
        assert_eq!(published.figure(b), Figure::Withheld, "10 is not small: it is withheld");
        assert_eq!(published.figure(c), Figure::Count(12));
        assert_eq!(published.figure(all), Figure::Count(24));
    }

    #[test]
    fn medians_need_enough_deadlines() {
        let mut cells = Cells::default();
        let few = cells.count("few", 2);
        let many = cells.count("many", 8);
        let m1 = cells.median("m1", Some(75), few);
        let m2 = cells.median("m2", Some(125), many);
        let zero = cells.count("zero", 0);
        let none = cells.median("m3", None, zero);
        let published = cells.publish(Some(3));
        assert_eq!(published.figure(m1), Figure::Withheld);
        assert_eq!(published.figure(m2).display(3), "12,5");
        assert_eq!(published.figure(none), Figure::Withheld, "nothing to compute it over: below the threshold");
        assert_eq!(cells.publish(None).figure(none).display(3), "—");
    }

    proptest! {
        /// Whatever the figures, no published sum has exactly one unknown,
        /// and every shown count is at least the threshold or zero.
        #[test]
        fn no_sum_has_a_single_unknown(values in proptest::collection::vec(0u64..12, 1..8), threshold in 2u64..6) {
            let (cells, total, parts) = partition(&values);
            let published = cells.publish(Some(threshold));
            let members: Vec<CellId> = std::iter::once(total).chain(parts).collect();
            let unknown = members.iter().filter(|c| published.figure(**c).hidden()).count();
            prop_assert!(unknown != 1);
            for cell in members {
                if let Figure::Count(n) = published.figure(cell) {
                    prop_assert!(n == 0 || n >= threshold);
                }
            }
        }
    }
}
