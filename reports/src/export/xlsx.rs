//! riskkalkyl.xlsx for economists: inputs, summary per kommun, yearly percentiles and the
//! förstudie's tables beside the simulated P50. Numbers are stored unrounded, shown with
//! number formats ("#,##0.0" + unit); the spreadsheet program shows them in its own locale
//! (decimal comma in a Swedish Excel or LibreOffice).

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::format::Lang;
use crate::report::ReportData;

use super::{BoardReport, ExportError, Exporter};

#[derive(Debug, thiserror::Error)]
#[error("cannot build riskkalkyl.xlsx: {0}")]
pub struct XlsxExportError(#[from] XlsxError);

struct Formats {
    head: Format,
    money: Format,
    prob: Format,
    num: Format,
    int: Format,
    text: Format,
}

impl Formats {
    fn new(l: Lang) -> Formats {
        Formats {
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xE8F0F8)
                .set_border_bottom(FormatBorder::Thin),
            money: Format::new().set_num_format(format!("#,##0.0 \"{}\"", l.msek_unit())),
            prob: Format::new().set_num_format("0.0%"),
            num: Format::new().set_num_format("#,##0.0##"),
            int: Format::new().set_num_format("0"),
            text: Format::new().set_text_wrap(),
        }
    }
}

fn headers(ws: &mut Worksheet, f: &Formats, names: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &f.head)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(13.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The workbook as bytes.
pub(crate) fn workbook(d: &ReportData) -> Result<Vec<u8>, XlsxExportError> {
    let l = d.lang;
    let f = Formats::new(l);
    let mut wb = Workbook::new();
    let s = &d.summary;

    // Summary per kommun.
    let ws = wb.add_worksheet();
    ws.set_name(l.tr("common.summary"))?;
    headers(
        ws,
        &f,
        &[
            l.tr("common.kommun"),
            l.tr("xlsx.npv_mean"),
            "P5",
            "P10",
            "P25",
            "P50",
            "P75",
            "P90",
            "P95",
            l.tr("common.p_net_loss"),
            l.tr("xlsx.paid_back_p50_year"),
            l.tr("xlsx.p_paid_back_by_horizon"),
        ],
        &[18.0],
    )?;
    let n = s.kommuner.len();
    for i in 0..=n {
        let k = d.kommun_summary(i);
        let r = 1 + i as u32;
        let name = if i < n { k.name.clone() } else { d.total().name.clone() };
        ws.write_string(r, 0, name)?;
        let v = &k.net_benefit_npv;
        for (c, x) in [v.mean, v.p5, v.p10, v.p25, v.p50, v.p75, v.p90, v.p95]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(r, 1 + c as u16, *x, &f.money)?;
        }
        ws.write_number_with_format(r, 9, k.prob_net_loss, &f.prob)?;
        match k.payback_year.p50 {
            Some(y) => ws.write_number_with_format(r, 10, y, &f.int)?,
            None => ws.write_string(r, 10, format!("> {}", d.info.horizon_year))?,
        };
        ws.write_number_with_format(r, 11, k.payback_year.prob_by_horizon, &f.prob)?;
    }
    let mut r = n as u32 + 3;
    ws.write_string_with_format(r, 0, l.tr("common.one_off_establishment_cost"), &f.head)?;
    let e = &s.establishment_cost;
    let views = [
        (l.tr("common.outside_view"), &s.establishment_cost_outside),
        (l.tr("common.inside_view"), &s.establishment_cost_inside),
    ];
    let view_rows = views.iter().flat_map(|(name, v)| {
        [
            (format!("{name}: P50"), Some(v.stats.p50), &f.money),
            (format!("{name}: P80"), Some(v.stats.p80), &f.money),
            (format!("{name}: P85"), Some(v.p85), &f.money),
            (format!("{name}: P95"), Some(v.stats.p95), &f.money),
        ]
    });
    let rows = [
        (
            l.tr("common.the_forstudies_estimate").to_string(),
            Some(s.reference_estimate_msek),
            &f.money,
        ),
        (l.tr("common.mean").to_string(), Some(e.mean), &f.money),
        ("P50".to_string(), Some(e.p50), &f.money),
        (
            l.tr("common.cost_frame_p80").to_string(),
            Some(s.cost_frame_p80_msek),
            &f.money,
        ),
        (
            l.tr("common.cost_frame_p85").to_string(),
            Some(s.cost_frame_p85_msek),
            &f.money,
        ),
        ("P95".to_string(), Some(e.p95), &f.money),
        (
            l.tr("common.reserve_for_a_p80_frame").to_string(),
            Some(s.reserve_p80_over_estimate_msek),
            &f.money,
        ),
        (
            l.tr("common.reserve_for_a_p85_frame").to_string(),
            Some(s.reserve_p85_over_estimate_msek),
            &f.money,
        ),
        (
            l.tr("common.p_above_estimate").to_string(),
            Some(s.prob_cost_above_estimate),
            &f.prob,
        ),
        (
            l.tr("common.p_above_range").to_string(),
            s.prob_cost_above_range,
            &f.prob,
        ),
        (
            l.tr("common.p_below_range").to_string(),
            s.prob_cost_below_range,
            &f.prob,
        ),
        (
            l.tr("xlsx.establishment_duration_p50_months").to_string(),
            Some(s.establishment_duration_months.p50),
            &f.num,
        ),
    ];
    // A range statistic is left out when the scenario gives no range.
    for (label, v, fmt) in rows.into_iter().chain(view_rows) {
        let Some(v) = v else { continue };
        r += 1;
        ws.write_string(r, 0, label)?;
        ws.write_number_with_format(r, 1, v, fmt)?;
    }
    r += 2;
    for (label, v) in [
        (l.tr("xlsx.scenario"), s.scenario.clone()),
        (l.tr("xlsx.runs"), s.runs.to_string()),
        (l.tr("xlsx.seed"), s.seed.to_string()),
        (l.tr("xlsx.discount_rate"), format!("{}", d.info.discount_rate_pct)),
        (l.tr("xlsx.npv_base_year"), d.info.npv_base_year.to_string()),
    ] {
        ws.write_string(r, 0, label)?;
        ws.write_string(r, 1, v)?;
        r += 1;
    }

    // Yearly percentiles.
    let ws = wb.add_worksheet();
    ws.set_name(l.tr("xlsx.yearly_percentiles"))?;
    let mut cols = vec![l.tr("common.kommun"), l.tr("common.year")];
    let groups = [
        l.tr("common.net_benefit"),
        l.tr("common.cumulative_net_benefit"),
        l.tr("xlsx.joint_cost"),
    ];
    let names: Vec<String> = groups
        .iter()
        .flat_map(|g| ["P10", "P25", "P50", "P75", "P90"].map(|p| format!("{g} {p}")))
        .chain([l.tr("xlsx.the_forstudies_net_benefit").to_string()])
        .collect();
    cols.extend(names.iter().map(String::as_str));
    headers(ws, &f, &cols, &[18.0, 7.0])?;
    let mut r = 1;
    for k in &d.kommuner {
        for (t, year) in d.years.iter().enumerate() {
            ws.write_string(r, 0, &k.name)?;
            ws.write_number_with_format(r, 1, *year, &f.int)?;
            let mut c = 2;
            for b in [&k.yearly, &k.cumulative, &k.joint] {
                for v in [&b.p10, &b.p25, &b.p50, &b.p75, &b.p90] {
                    if let Some(x) = v.get(t) {
                        ws.write_number_with_format(r, c, *x, &f.money)?;
                    }
                    c += 1;
                }
            }
            ws.write_number_with_format(r, c, k.point_net[t], &f.money)?;
            r += 1;
        }
    }

    // The förstudie's tables beside the simulated P50.
    let ws = wb.add_worksheet();
    ws.set_name(l.tr("xlsx.forstudie_vs_simulation"))?;
    headers(
        ws,
        &f,
        &[
            l.tr("common.kommun"),
            l.tr("common.year"),
            l.tr("xlsx.forstudie_todays_it_operations"),
            l.tr("xlsx.forstudie_joint_it_operations"),
            l.tr("xlsx.forstudie_difference"),
            l.tr("xlsx.simulated_joint_cost_p50"),
            l.tr("xlsx.simulated_net_benefit_p50"),
            l.tr("xlsx.simulated_net_benefit_p10"),
            l.tr("xlsx.simulated_net_benefit_p90"),
        ],
        &[18.0, 7.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0],
    )?;
    let pt = &d.point_tables;
    let mut r = 1;
    for (ki, k) in d.kommuner.iter().enumerate() {
        for (t, year) in pt.years.iter().enumerate() {
            let pick = |m: &Vec<Vec<f64>>| {
                if ki < pt.kommuner.len() {
                    m[ki][t]
                } else {
                    m.iter().map(|row| row[t]).sum()
                }
            };
            ws.write_string(r, 0, &k.name)?;
            ws.write_number_with_format(r, 1, *year, &f.int)?;
            ws.write_number_with_format(r, 2, pick(&pt.current), &f.money)?;
            ws.write_number_with_format(r, 3, pick(&pt.joint), &f.money)?;
            ws.write_number_with_format(r, 4, pick(&pt.difference), &f.money)?;
            ws.write_number_with_format(r, 5, k.joint.p50[t], &f.money)?;
            ws.write_number_with_format(r, 6, k.yearly.p50[t], &f.money)?;
            ws.write_number_with_format(r, 7, k.yearly.p10[t], &f.money)?;
            ws.write_number_with_format(r, 8, k.yearly.p90[t], &f.money)?;
            r += 1;
        }
    }

    // Inputs.
    let ws = wb.add_worksheet();
    ws.set_name(l.tr("xlsx.inputs"))?;
    headers(
        ws,
        &f,
        &[
            l.tr("common.input"),
            l.tr("xlsx.field_in_the_scenario_file"),
            l.tr("common.distribution"),
            l.tr("xlsx.forstudie_value"),
            "P10",
            "P50",
            "P90",
            l.tr("common.source"),
        ],
        &[44.0, 40.0, 30.0, 12.0, 10.0, 10.0, 10.0, 50.0],
    )?;
    for (i, inp) in d.inputs.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string_with_format(r, 0, &inp.label, &f.text)?;
        ws.write_string(r, 1, &inp.path)?;
        ws.write_string(r, 2, &inp.dist)?;
        for (c, v) in [inp.point, inp.p10, inp.p50, inp.p90].iter().enumerate() {
            ws.write_number_with_format(r, 3 + c as u16, *v, &f.num)?;
        }
        ws.write_string_with_format(r, 7, &inp.source, &f.text)?;
    }
    // About the run: the run manifest's identity, so a figure in the workbook traces to what
    // produced it (the same fingerprint as the report's cover; `riskkalkyl verify` checks it).
    if let Some(m) = &s.manifest {
        let ws = wb.add_worksheet();
        ws.set_name(l.tr("xlsx.about_the_run"))?;
        headers(
            ws,
            &f,
            &[l.tr("xlsx.about_item"), l.tr("xlsx.about_value")],
            &[34.0, 70.0],
        )?;
        let rows: [(&str, String); 10] = [
            (l.tr("page.run_fingerprint"), m.fingerprint()),
            ("riskkalkyl", m.riskkalkyl_version.clone()),
            ("git commit", m.git_commit.clone().unwrap_or_default()),
            (l.tr("page.scenario"), m.scenario.clone()),
            ("SHA-256", m.scenario_sha256.clone()),
            (l.tr("common.seed"), m.seed.to_string()),
            (l.tr("xlsx.about_runs"), m.runs.to_string()),
            (l.tr("xlsx.about_sampling"), m.sampling.clone()),
            (l.tr("xlsx.about_chunk_runs"), m.chunk_runs.to_string()),
            (l.tr("xlsx.about_date"), d.date.clone()),
        ];
        // The catalogue's words are written for the middle of a sentence: capitalised here.
        let capital = |t: &str| {
            t.chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .chain(t.chars().skip(1))
                .collect::<String>()
        };
        for (i, (item, value)) in rows.iter().enumerate() {
            ws.write_string(1 + i as u32, 0, capital(item))?;
            ws.write_string(1 + i as u32, 1, value)?;
        }
        if let Some((layout, platform)) = &d.provenance {
            let shards = match layout.shard {
                Some(i) => format!(
                    "{} / {} (chunks {}–{} of {})",
                    i, layout.shards, layout.chunk_start, layout.chunk_end, layout.total_chunks
                ),
                None => format!(
                    "{} (chunks {}–{} of {})",
                    layout.shards, layout.chunk_start, layout.chunk_end, layout.total_chunks
                ),
            };
            let place = format!(
                "{} {} ({})",
                platform.os,
                platform.arch,
                platform.target.clone().unwrap_or_default()
            );
            ws.write_string(1 + rows.len() as u32, 0, l.tr("xlsx.about_shards"))?;
            ws.write_string(1 + rows.len() as u32, 1, &shards)?;
            ws.write_string(2 + rows.len() as u32, 0, l.tr("xlsx.about_platform"))?;
            ws.write_string(2 + rows.len() as u32, 1, &place)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// riskkalkyl.xlsx of the board report.
pub struct Xlsx;

impl Exporter<BoardReport<'_>> for Xlsx {
    fn file_name(&self) -> &'static str {
        "riskkalkyl.xlsx"
    }

    fn serialize(&self, r: &BoardReport) -> Result<Vec<u8>, ExportError> {
        Ok(workbook(r.data)?)
    }
}
