//! Where each catalogue page lives in the mirror, and the rewriting of a rendered page's links
//! from the live site's URLs (`/objects?type=flag&lang=en`) to relative file paths
//! (`../list/type-flag.html`), so that the mirror works from any folder of any server, and
//! opened from disk (`file://`, where a folder is not its `index.html`).

use std::borrow::Cow;

use crate::catalogue::listing::Filters;
use crate::i18n::Lang;

/// One filter of the object list; the mirror has a list for each value of each.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    Type(String),
    Maker(i64),
    Event(i64),
    Year(i64),
}

impl Facet {
    /// The facets set in `filters`, in the list's order (type, maker, event, year).
    pub fn of(filters: &Filters) -> Vec<Facet> {
        let mut facets = Vec::new();
        facets.extend(filters.object_type.clone().map(Facet::Type));
        facets.extend(filters.maker.map(Facet::Maker));
        facets.extend(filters.event.map(Facet::Event));
        facets.extend(filters.year.map(Facet::Year));
        facets
    }

    /// The live site's query pairs for this facet.
    pub fn pair(&self) -> (String, String) {
        match self {
            Facet::Type(code) => ("type".to_owned(), code.clone()),
            Facet::Maker(id) => ("maker".to_owned(), id.to_string()),
            Facet::Event(id) => ("event".to_owned(), id.to_string()),
            Facet::Year(year) => ("year".to_owned(), year.to_string()),
        }
    }

    fn slug(&self) -> String {
        let (key, value) = self.pair();
        format!("{key}-{value}")
    }
}

/// A page of the mirror, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Page {
    Home,
    /// The object list, all or by one facet, from page 1.
    List(Option<Facet>, u64),
    Object(String),
    Makers,
    Maker(i64),
    Events,
    Event(i64),
    /// The page the search box leads to (answered by the search script).
    Search,
}

impl Page {
    /// The file of this page in `lang`, relative to the mirror's root.
    pub fn path(&self, lang: Lang) -> String {
        let lang = lang.code();
        match self {
            Page::Home => format!("{lang}/index.html"),
            Page::List(facet, page) => {
                let name = facet.as_ref().map_or_else(|| "all".to_owned(), Facet::slug);
                match page {
                    0 | 1 if facet.is_none() => format!("{lang}/list/index.html"),
                    0 | 1 => format!("{lang}/list/{name}.html"),
                    n => format!("{lang}/list/{name}-page-{n}.html"),
                }
            }
            Page::Object(accession) => format!("{lang}/objects/{}.html", file_name(accession)),
            Page::Makers => format!("{lang}/makers/index.html"),
            Page::Maker(id) => format!("{lang}/makers/{id}.html"),
            Page::Events => format!("{lang}/events/index.html"),
            Page::Event(id) => format!("{lang}/events/{id}.html"),
            Page::Search => format!("{lang}/search.html"),
        }
    }

    /// The live site's URL of this page in `lang`, to render it.
    pub fn live_url(&self, lang: Lang) -> String {
        let mut pairs = Vec::new();
        let path = match self {
            Page::Home => "/".to_owned(),
            Page::List(facet, page) => {
                pairs.extend(facet.as_ref().map(Facet::pair));
                if *page > 1 {
                    pairs.push(("page".to_owned(), page.to_string()));
                }
                "/objects".to_owned()
            }
            Page::Object(accession) => format!("/objects/{}", crate::web::encode(accession)),
            Page::Makers => "/makers".to_owned(),
            Page::Maker(id) => format!("/makers/{id}"),
            Page::Events => "/events".to_owned(),
            Page::Event(id) => format!("/events/{id}"),
            Page::Search => "/objects".to_owned(),
        };
        pairs.push(("lang".to_owned(), lang.code().to_owned()));
        crate::web::with_query(&path, &pairs)
    }
}

/// An accession number as a file name: letters, digits, `.` and `-` stay; every other byte is
/// `_` and two hex digits, so different numbers never share a file.
pub fn file_name(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || (byte == b'.' && !name.is_empty()) {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("_{byte:02x}"));
        }
    }
    name
}

/// Where a live link leads in the mirror, seen from a page in `lang` showing `current` (the
/// facet of a list page): the file, relative to the root, the fragment, and whether `current`
/// decided it (a link that sets several filters). `None` for what the mirror has no copy of
/// (the intake form, the staff panel, a search with other words).
pub fn resolve<'a>(link: &'a str, lang: Lang, current: Option<&Facet>) -> Option<(String, &'a str, bool)> {
    let (link, fragment) = link.split_once('#').map_or((link, ""), |(l, f)| (l, f));
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    // Most queries have nothing to decode (`lang=en`): their pairs are borrowed.
    let pairs: Vec<(Cow<str>, Cow<str>)> = if query.contains(['%', '+']) {
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
        decoded.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))).collect()
    } else {
        let pair =
            |p: &'a str| p.split_once('=').map_or((Cow::Borrowed(p), Cow::Borrowed("")), |(k, v)| (k.into(), v.into()));
        query.split('&').filter(|p| !p.is_empty()).map(pair).collect()
    };
    let lang = pairs.iter().find(|(k, _)| k == "lang").and_then(|(_, v)| Lang::parse(v)).unwrap_or(lang);
    // Split first, then decode: an accession number may hold an encoded `/`.
    let segments = path
        .split('/')
        .skip(1)
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8().ok())
        .collect::<Option<Vec<Cow<str>>>>()?;
    let segments: Vec<&str> = segments.iter().map(|s| s.as_ref()).collect();
    let page = match segments.as_slice() {
        [""] => Page::Home,
        ["objects"] => {
            let pairs: Vec<(String, String)> =
                pairs.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            let filters = Filters::parse(&pairs).ok()?;
            if !filters.q.is_empty() {
                return None;
            }
            let facets = Facet::of(&filters);
            match facets.as_slice() {
                [] => Page::List(None, filters.page.unwrap_or(1)),
                [one] => Page::List(Some(one.clone()), filters.page.unwrap_or(1)),
                // A second filter added to a list: the mirror's lists have one, so the link
                // leads to the list of the filter just added.
                several => {
                    let page = Page::List(several.iter().find(|f| Some(*f) != current).cloned(), 1);
                    return Some((page.path(lang), fragment, true));
                }
            }
        }
        ["objects", accession] if !accession.is_empty() => Page::Object((*accession).to_owned()),
        ["search"] => Page::Search,
        ["makers"] => Page::Makers,
        ["makers", id] => Page::Maker(id.parse().ok()?),
        ["events"] => Page::Events,
        ["events", id] => Page::Event(id.parse().ok()?),
        ["static" | "media" | "iiif", ..] => return Some((segments.join("/"), fragment, false)),
        _ => return None,
    };
    Some((page.path(lang), fragment, false))
}

/// The path to `to` from the file `from`, both relative to the mirror's root.
pub fn relative(from: &str, to: &str) -> String {
    let from_dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (to_dir, to_name) = to.rsplit_once('/').unwrap_or(("", to));
    // The folders both paths share, from the root.
    let (mut from_rest, mut to_rest) = (from_dir.split('/').filter(|s| !s.is_empty()), to_dir.split('/'));
    let mut kept: Vec<&str> = Vec::new();
    let mut ups = 0;
    loop {
        match (from_rest.next(), to_rest.next()) {
            (Some(a), Some(b)) if a == b && kept.is_empty() && ups == 0 => continue,
            (Some(_), Some(b)) => {
                ups += 1;
                kept.push(b);
            }
            (Some(_), None) => ups += 1,
            (None, Some(b)) => kept.push(b),
            (None, None) => break,
        }
    }
    let mut joined = String::with_capacity(3 * ups + to.len());
    for _ in 0..ups {
        joined.push_str("../");
    }
    for part in kept.iter().filter(|p| !p.is_empty()) {
        joined.push_str(part);
        joined.push('/');
    }
    joined.push_str(to_name);
    // A file name is written as a path, never as a scheme (`a:b.html`).
    if joined.split('/').next().is_some_and(|first| first.contains(':')) { format!("./{joined}") } else { joined }
}

/// Rewrites the values of `href`, `src`, `srcset` and `action` attributes of a rendered page,
/// appending the page to `out`: `map` gets the attribute's name and its value as written in the
/// page (escaped), and appends the value to write (escaped) to `out` (see [`rewrite_value`]).
/// Everything else passes through byte for byte. Pages are zbor's own templates: attribute
/// values are in double quotes, and text never holds a raw `="` (it is escaped).
pub fn rewrite_link_values(out: &mut String, html: &str, map: &mut impl FnMut(&str, &str, &mut String)) {
    let bytes = html.as_bytes();
    // `html[..copied]` is in `out`; the next `"` is looked for from `from`.
    let (mut copied, mut from) = (0, 0);
    while let Some(quote) = memchr::memchr(b'"', &bytes[from..]).map(|i| from + i) {
        let start = quote + 1;
        let end = memchr::memchr(b'"', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        from = (end + 1).min(bytes.len());
        let Some(equals) = quote.checked_sub(1).filter(|at| bytes[*at] == b'=') else {
            // A quote in text, not an attribute's: the search goes on right after it.
            from = start;
            continue;
        };
        let name_start =
            bytes[..equals].iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-')).map_or(0, |i| i + 1);
        let name = &html[name_start..equals];
        if matches!(name, "href" | "src" | "action" | "srcset") {
            out.push_str(&html[copied..start]);
            map(name, &html[start..end], out);
            copied = end;
        }
    }
    out.push_str(&html[copied..]);
}

/// The value of a link attribute (`name`, escaped as written) with each URL in it (one, or a
/// `srcset`'s candidates) decoded, given to `map`, and its answer escaped.
pub fn rewrite_value(name: &str, value: &str, mut map: impl FnMut(&str, &str) -> String) -> String {
    if name != "srcset" {
        return escape(&map(name, &unescape(value)));
    }
    let candidates: Vec<String> = unescape(value)
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (url, descriptor) = candidate.split_once(' ').unwrap_or((candidate, ""));
            let url = map(name, url);
            if descriptor.is_empty() { url } else { format!("{url} {descriptor}") }
        })
        .collect();
    escape(&candidates.join(", "))
}

/// Decodes the character references minijinja writes in attribute values.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`resolve`]'s file and fragment.
    fn target<'a>(link: &'a str, lang: Lang, current: Option<&Facet>) -> Option<(String, &'a str)> {
        resolve(link, lang, current).map(|(file, fragment, _)| (file, fragment))
    }

    /// A whole page through [`rewrite_link_values`], each URL given decoded to `map`.
    fn rewrite_links(html: &str, mut map: impl FnMut(&str, &str) -> String) -> String {
        let mut out = String::with_capacity(html.len());
        rewrite_link_values(&mut out, html, &mut |name, value, out| {
            out.push_str(&rewrite_value(name, value, &mut map))
        });
        out
    }

    #[test]
    fn live_links_lead_to_the_mirrors_files() {
        let en = Lang::En;
        assert_eq!(target("/?lang=ru", en, None).unwrap().0, "ru/index.html");
        assert_eq!(target("/objects?type=flag&lang=en", en, None).unwrap().0, "en/list/type-flag.html");
        assert_eq!(target("/objects?maker=3&page=2", en, None).unwrap().0, "en/list/maker-3-page-2.html");
        assert_eq!(target("/objects?page=3&lang=be", en, None).unwrap().0, "be/list/all-page-3.html");
        assert_eq!(target("/objects", en, None).unwrap().0, "en/list/index.html");
        // Queries with something to decode, and without.
        assert_eq!(target("/objects?maker=3&lang=r%75", en, None).unwrap().0, "ru/list/maker-3.html");
        assert_eq!(target("/objects/A%2D1?&lang=be&", en, None).unwrap().0, "be/objects/A-1.html");
        assert_eq!(target("/objects?q=a+b", en, None), None);
        assert_eq!(target("/objects?q=%20", en, None).unwrap().0, "en/list/index.html");
        // A second filter leads to the list of the one just added, whichever order.
        let flag = Facet::Type("flag".into());
        assert_eq!(target("/objects?type=flag&maker=3", en, Some(&flag)).unwrap().0, "en/list/maker-3.html");
        let maker = Facet::Maker(3);
        assert_eq!(target("/objects?type=flag&maker=3", en, Some(&maker)).unwrap().0, "en/list/type-flag.html");
        assert_eq!(
            target("/objects/MFB-2020-0001?lang=en#x", en, None).unwrap(),
            ("en/objects/MFB-2020-0001.html".into(), "x")
        );
        assert_eq!(target("/objects/A%2F1", en, None).unwrap().0, "en/objects/A_2f1.html");
        assert_eq!(target("/makers/7?lang=en", en, None).unwrap().0, "en/makers/7.html");
        assert_eq!(target("/events", en, None).unwrap().0, "en/events/index.html");
        assert_eq!(target("/media/ab/400.jpg", en, None).unwrap().0, "media/ab/400.jpg");
        assert_eq!(target("/static/zbor.css", en, None).unwrap().0, "static/zbor.css");
        for elsewhere in ["/offer", "/admin", "/objects?q=cat", "/makers/x", "/objects?type=Bad!"] {
            assert_eq!(target(elsewhere, en, None), None, "{elsewhere}");
        }
    }

    #[test]
    fn only_links_that_set_several_filters_depend_on_the_list_they_are_on() {
        let (en, flag) = (Lang::En, Facet::Type("flag".into()));
        for one in
            ["/objects?type=flag&lang=en", "/objects?maker=3&page=2", "/objects/A", "/makers/7", "/media/a/1.jpg"]
        {
            assert!(!resolve(one, en, Some(&flag)).unwrap().2, "{one}");
        }
        let several = "/objects?type=flag&maker=3&lang=en";
        assert!(resolve(several, en, Some(&flag)).unwrap().2);
        assert_ne!(resolve(several, en, Some(&flag)).unwrap().0, resolve(several, en, None).unwrap().0);
    }

    #[test]
    fn file_names_keep_numbers_apart() {
        assert_eq!(file_name("MFB-2020-0001"), "MFB-2020-0001");
        assert_ne!(file_name("A/1"), file_name("A_2f1"));
        assert_eq!(file_name("..x"), "_2e.x");
    }

    #[test]
    fn relative_paths_climb_only_as_far_as_needed() {
        assert_eq!(relative("en/list/index.html", "media/a/400.jpg"), "../../media/a/400.jpg");
        assert_eq!(relative("en/list/index.html", "en/list/type-flag.html"), "type-flag.html");
        assert_eq!(relative("en/index.html", "en/objects/A.html"), "objects/A.html");
        assert_eq!(relative("index.html", "be/index.html"), "be/index.html");
        assert_eq!(relative("en/objects/A.html", "ru/objects/A.html"), "../../ru/objects/A.html");
        // The same answers as the plain way of finding them, for paths of every shape.
        let plain = |from: &str, to: &str| {
            let from_dirs: Vec<&str> = from.split('/').collect();
            let from_dirs = &from_dirs[..from_dirs.len() - 1];
            let to_parts: Vec<&str> = to.split('/').collect();
            let common = from_dirs.iter().zip(&to_parts[..to_parts.len() - 1]).take_while(|(a, b)| a == b).count();
            let mut parts: Vec<&str> = vec![".."; from_dirs.len() - common];
            parts.extend(&to_parts[common..]);
            parts.join("/")
        };
        let paths = [
            "index.html",
            "a:b.html",
            "en/index.html",
            "en/a:b.html",
            "en/list/index.html",
            "en/list/type-flag.html",
            "en/objects/A.html",
            "ru/objects/A.html",
            "media/a/400.jpg",
            "iiif/image/h/full/400,/0/default.jpg",
            "iiif/A/manifest.json",
            "en/x/en/y.html",
            "en/x/ru/y.html",
        ];
        for from in paths {
            for to in paths {
                let expected = plain(from, to);
                let expected =
                    if expected.split('/').next().unwrap().contains(':') { format!("./{expected}") } else { expected };
                assert_eq!(relative(from, to), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn only_link_attributes_change_and_values_stay_escaped() {
        let html = r#"<a href="&#x2f;objects?type=flag&amp;lang=en" class="x">A &quot;q&quot;="b"</a><img src="/m/1.jpg" srcset="/m/1.jpg 400w, /m/2.jpg 1200w" alt="x=&quot;y&quot;">"#;
        let out = rewrite_links(html, |_, url| format!("<{url}>"));
        assert_eq!(
            out,
            r#"<a href="&lt;/objects?type=flag&amp;lang=en&gt;" class="x">A &quot;q&quot;="b"</a><img src="&lt;/m/1.jpg&gt;" srcset="&lt;/m/1.jpg&gt; 400w, &lt;/m/2.jpg&gt; 1200w" alt="x=&quot;y&quot;">"#
        );
        // Quotes in text, a name that only ends like a link's, an empty value, a value ending
        // in `=`, a value never closed: only the link attributes' values change.
        let html = r#"<p>said "hi" and "bye"</p><a data-href="/a" href="" title="t=" href="/b?x=">"</a><a href="/c"#;
        let out = rewrite_links(html, |_, url| format!("<{url}>"));
        assert_eq!(
            out,
            r#"<p>said "hi" and "bye"</p><a data-href="/a" href="&lt;&gt;" title="t=" href="&lt;/b?x=&gt;">"</a><a href="&lt;/c&gt;"#
        );
    }
}
