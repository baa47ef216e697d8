//! HTTP-date parsing (RFC 9110 §5.6.7) without a date crate: the preferred
//! IMF-fixdate plus the two obsolete forms recipients must still accept
//! (RFC 850 and asctime). Pure arithmetic on the proleptic Gregorian
//! calendar; no clock is read here, so nothing says "in 5 minutes".

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Which of the three HTTP-date forms a value used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateForm {
    ImfFixdate,
    Rfc850,
    Asctime,
}

/// A parsed HTTP-date, all fields in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HttpDate {
    pub unix: i64,
    pub form: DateForm,
    /// The weekday the value claimed, when it disagrees with the date.
    pub wrong_weekday: Option<&'static str>,
}

/// Parses an HTTP-date to Unix seconds (UTC); `None` if it is in none of
/// the three forms or names an impossible date.
pub fn parse_http_date(value: &str) -> Option<i64> {
    parse(value).map(|d| d.unix)
}

pub(crate) fn parse(value: &str) -> Option<HttpDate> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    match parts.as_slice() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [wd, day, mon, year, time, "GMT"] => {
            let wd = WEEKDAYS
                .iter()
                .position(|w| Some(*w) == wd.strip_suffix(','))?;
            if day.len() != 2 || year.len() != 4 {
                return None;
            }
            build(year, mon, day, time, wd, DateForm::ImfFixdate)
        }
        // Sunday, 06-Nov-94 08:49:37 GMT
        [wd, dmy, time, "GMT"] => {
            let wd = LONG_WEEKDAYS
                .iter()
                .position(|w| Some(*w) == wd.strip_suffix(','))?;
            let mut it = dmy.split('-');
            let (day, mon, yy) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() || yy.len() != 2 || day.len() != 2 {
                return None;
            }
            // Two-digit years: without a clock we pick the window a 2020s
            // reader would (RFC 9110 says "more than 50 years in the future
            // means the past century").
            let yy: i64 = digits(yy)?;
            let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            build(&year.to_string(), mon, day, time, wd, DateForm::Rfc850)
        }
        // Sun Nov  6 08:49:37 1994
        [wd, mon, day, time, year] => {
            let wd = WEEKDAYS.iter().position(|w| w == wd)?;
            if day.is_empty() || day.len() > 2 || year.len() != 4 {
                return None;
            }
            build(year, mon, day, time, wd, DateForm::Asctime)
        }
        _ => None,
    }
}

fn build(
    year: &str,
    mon: &str,
    day: &str,
    time: &str,
    wd: usize,
    form: DateForm,
) -> Option<HttpDate> {
    let year: i64 = digits(year)?;
    let month = MONTHS.iter().position(|m| *m == mon)? as i64 + 1;
    let day: i64 = digits(day)?;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut hms = time.split(':');
    let (h, m, s) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (digits(h)?, digits(m)?, digits(s)?);
    // 60 allows a leap second, which the grammar permits.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let actual = weekday(days);
    Some(HttpDate {
        unix: days * 86_400 + h * 3_600 + m * 60 + s,
        form,
        wrong_weekday: (actual != wd).then_some(WEEKDAYS[wd]),
    })
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of `days_from_civil`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// 0 = Sunday; 1970-01-01 was a Thursday.
fn weekday(days: i64) -> usize {
    (days + 4).rem_euclid(7) as usize
}

/// Unix seconds as `"1994-11-06 08:49:37 UTC (Sun)"`, unambiguous for people
/// in any locale. Out-of-range inputs are clamped rather than overflowing.
pub(crate) fn format_utc(unix: i64) -> String {
    // ±10^12 s is ±31,000 years: plenty, and keeps the arithmetic in range.
    let unix = unix.clamp(-1_000_000_000_000, 1_000_000_000_000);
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC ({})",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60,
        WEEKDAYS[weekday(days)]
    )
}

/// A reading of an HTTP-date value: the date in ISO form plus anything
/// odd about how it was written.
pub(crate) fn reading(value: &str) -> Option<String> {
    let d = parse(value)?;
    let mut out = format_utc(d.unix);
    match d.form {
        DateForm::ImfFixdate => {}
        DateForm::Rfc850 => {
            out.push_str("; obsolete RFC 850 format (senders must use IMF-fixdate)")
        }
        DateForm::Asctime => {
            out.push_str("; obsolete asctime format (senders must use IMF-fixdate)")
        }
    }
    if let Some(claimed) = d.wrong_weekday {
        out.push_str(&format!(
            "; says {claimed} but that date is not a {claimed}"
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_forms_agree() {
        let imf = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(imf, Some(784_111_777));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), imf);
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), imf);
    }

    #[test]
    fn epoch_and_leap_days() {
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert!(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").is_some());
        assert!(parse_http_date("Thu, 29 Feb 2023 00:00:00 GMT").is_none());
        assert!(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT").is_some());
        assert!(parse_http_date("Thu, 31 Apr 2024 00:00:00 GMT").is_none());
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC (Thu)");
        assert_eq!(format_utc(784_111_777), "1994-11-06 08:49:37 UTC (Sun)");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC (Wed)");
    }

    #[test]
    fn readings_note_oddities() {
        assert_eq!(
            reading("Wed, 21 Oct 2015 07:28:00 GMT").unwrap(),
            "2015-10-21 07:28:00 UTC (Wed)"
        );
        assert!(reading("Mon, 21 Oct 2015 07:28:00 GMT")
            .unwrap()
            .contains("says Mon"));
        assert!(reading("Sun Nov  6 08:49:37 1994")
            .unwrap()
            .contains("asctime"));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "0",
            "-1",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sün, 06 Nov 1994 08:49:37 GMT",
            "Sun, ０６ Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "\0\r\n",
        ] {
            assert!(parse_http_date(bad).is_none(), "{bad:?}");
        }
        assert!(parse_http_date(&"Sun, ".repeat(100_000)).is_none());
        format_utc(i64::MAX);
        format_utc(i64::MIN);
    }
}
