//! The sums over the years: net benefit discounted to the NPV base year, and the payback year.

/// `npv` with one more year's net benefit discounted by `discount_factor`
/// (1 / (1 + rate)^(year − NPV base year)), MSEK.
pub fn add_discounted(npv_msek: f64, net_msek: f64, discount_factor: f64) -> f64 {
    npv_msek + net_msek * discount_factor
}

/// Cumulative net benefit from the start year, and the first year from which it stays ≥ 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Payback {
    pub cumulative_msek: f64,
    /// `None` while the sum is below 0, or if it never stays ≥ 0.
    pub year: Option<i32>,
}

impl Payback {
    /// Add the net benefit of `year`.
    pub fn add(&mut self, net_msek: f64, year: i32) {
        self.cumulative_msek += net_msek;
        self.year = if self.cumulative_msek >= 0.0 {
            self.year.or(Some(year))
        } else {
            None
        };
    }
}
