//! How the catalogue is found: `robots.txt`, the sitemaps with their language alternates, an
//! Atom feed of new acquisitions per language, and the favicon. Everything here comes from
//! the public snapshot, like the pages.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::AppState;
use crate::collection::public::PublicObject;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::http::PUBLIC_PAGE;

use super::iiif::Publisher;
use super::snapshot::Snapshot;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A public answer of a fixed type, compressed and validated on the way out.
fn public(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, PUBLIC_PAGE);
    response
}

/// What crawlers are asked to leave alone: the staff panel, the intake form, searches, and
/// list filters other than the object type (every combination of maker, event and year
/// would be a page of its own; makers and events have their own pages, which are crawled).
pub fn robots_txt(base: &str) -> String {
    format!(
        "User-agent: *\n\
         Disallow: /admin\n\
         Disallow: /offer\n\
         Disallow: /objects?*q=\n\
         Disallow: /objects?*maker=\n\
         Disallow: /objects?*event=\n\
         Disallow: /objects?*year=\n\
         Allow: /\n\
         \n\
         Sitemap: {base}/sitemap.xml\n"
    )
}

/// `GET /robots.txt`
pub async fn robots(State(state): State<AppState>) -> Response {
    public(robots_txt(state.config.public_url.trim_end_matches('/')), "text/plain; charset=utf-8")
}

/// One page of the catalogue as the sitemap lists it: its path (with the query that makes
/// it, without the language) and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapPage {
    pub path: String,
    pub lastmod: String,
}

/// Every page the sitemap lists, in a fixed order: home, the list, one list per object type,
/// the indexes, each maker, event and object.
pub fn sitemap_pages(snapshot: &Snapshot) -> Vec<SitemapPage> {
    let collection = &snapshot.collection;
    let day = |stamp: &str| stamp.get(..10).unwrap_or(stamp).to_owned();
    let newest = |objects: &mut dyn Iterator<Item = &PublicObject>| {
        objects.map(|o| day(&o.published_at)).max().unwrap_or_default()
    };
    let all = newest(&mut collection.objects.iter());
    let mut pages = vec![
        SitemapPage { path: "/".to_owned(), lastmod: all.clone() },
        SitemapPage { path: "/objects".to_owned(), lastmod: all.clone() },
    ];
    let mut types: Vec<(&String, &Vec<usize>)> =
        snapshot.by_type.iter().filter_map(|(id, indexes)| Some((&collection.types.get(id)?.code, indexes))).collect();
    types.sort();
    for (code, indexes) in types {
        pages.push(SitemapPage {
            path: crate::web::with_query("/objects", &[("type".to_owned(), code.clone())]),
            lastmod: newest(&mut indexes.iter().filter_map(|i| collection.objects.get(*i))),
        });
    }
    pages.push(SitemapPage { path: "/makers".to_owned(), lastmod: all.clone() });
    pages.push(SitemapPage { path: "/events".to_owned(), lastmod: all });
    // Each maker's and event's page, changed when its newest object was published.
    let makers = collection.makers.keys().map(|id| (0, "makers", id, &snapshot.by_maker));
    let events = collection.events.keys().map(|id| (1, "events", id, &snapshot.by_event));
    let mut authorities: Vec<_> = makers.chain(events).collect();
    authorities.sort_by_key(|(order, _, id, _)| (*order, **id));
    for (_, kind, id, index) in authorities {
        let objects = index.get(id).map(Vec::as_slice).unwrap_or_default();
        pages.push(SitemapPage {
            path: format!("/{kind}/{id}"),
            lastmod: newest(&mut objects.iter().filter_map(|i| collection.objects.get(*i))),
        });
    }
    let mut objects: Vec<&PublicObject> = collection.objects.iter().collect();
    objects.sort_by(|a, b| a.accession.cmp(&b.accession));
    for object in objects {
        pages.push(SitemapPage {
            path: format!("/objects/{}", crate::web::encode(&object.accession)),
            lastmod: day(&object.published_at),
        });
    }
    pages
}

/// `path` in `lang`, as an absolute URL.
pub fn in_lang(base: &str, path: &str, lang: Lang) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{base}{path}{separator}lang={}", lang.code())
}

/// Pages per sitemap file: each is listed in three languages, well under the protocol's
/// 50 000 URLs and 50 MB a file.
pub const PAGES_PER_SITEMAP: usize = 2_000;

/// The sitemap index: one sitemap per [`PAGES_PER_SITEMAP`] pages.
pub fn sitemap_index(base: &str, pages: &[SitemapPage]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in pages.chunks(PAGES_PER_SITEMAP).enumerate() {
        let lastmod = chunk.iter().map(|p| p.lastmod.as_str()).max().unwrap_or_default();
        let _ = write!(xml, "  <sitemap><loc>{}</loc>", xml_escape(&format!("{base}/sitemap/{}.xml", n + 1)));
        if !lastmod.is_empty() {
            let _ = write!(xml, "<lastmod>{lastmod}</lastmod>");
        }
        xml.push_str("</sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// One sitemap: every page in each language, each with its alternates (the three languages
/// and `x-default`, the address that picks a language by the visitor's browser).
pub fn sitemap(base: &str, pages: &[SitemapPage]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in pages {
        for lang in Lang::ALL {
            let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", xml_escape(&in_lang(base, &page.path, lang)));
            if !page.lastmod.is_empty() {
                let _ = writeln!(xml, "    <lastmod>{}</lastmod>", page.lastmod);
            }
            for other in Lang::ALL {
                let _ = writeln!(
                    xml,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    other.code(),
                    xml_escape(&in_lang(base, &page.path, other))
                );
            }
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                xml_escape(&format!("{base}{}", page.path))
            );
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `GET /sitemap.xml`: the index of the sitemaps.
pub async fn sitemap_xml(State(state): State<AppState>) -> Response {
    let snapshot = state.public.current();
    let base = state.config.public_url.trim_end_matches('/');
    public(sitemap_index(base, &sitemap_pages(&snapshot)), "application/xml; charset=utf-8")
}

/// `GET /sitemap/{n}.xml`
pub async fn sitemap_part(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let n: usize = file.strip_suffix(".xml").and_then(|n| n.parse().ok()).ok_or(AppError::NotFound)?;
    let snapshot = state.public.current();
    let pages = sitemap_pages(&snapshot);
    let chunk = n.checked_sub(1).and_then(|i| pages.chunks(PAGES_PER_SITEMAP).nth(i)).ok_or(AppError::NotFound)?;
    let base = state.config.public_url.trim_end_matches('/');
    Ok(public(sitemap(base, chunk), "application/xml; charset=utf-8"))
}

/// Entries in the feed: the most recently published objects.
pub const FEED_ENTRIES: usize = 50;

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    lang: Option<String>,
}

/// The Atom feed of the newest published objects, in `lang`.
pub fn feed(publisher: &Publisher, lang: Lang) -> String {
    let base = publisher.base;
    let view = publisher.view(lang);
    let collection = &publisher.snapshot.collection;
    let mut newest: Vec<&PublicObject> = collection.objects.iter().collect();
    newest.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    newest.truncate(FEED_ENTRIES);
    let updated = newest.first().map_or("1970-01-01T00:00:00Z", |o| o.published_at.as_str());
    let self_url = in_lang(base, "/feed.atom", lang);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"{lang}\">\n\
         \x20 <id>{id}</id>\n\
         \x20 <title>{title}</title>\n\
         \x20 <subtitle>{subtitle}</subtitle>\n\
         \x20 <updated>{updated}</updated>\n\
         \x20 <author><name>{museum}</name><uri>{home}</uri></author>\n\
         \x20 <link rel=\"self\" type=\"application/atom+xml\" href=\"{id}\"/>\n\
         \x20 <link rel=\"alternate\" type=\"text/html\" href=\"{list}\"/>\n\
         \x20 <icon>{base_x}/favicon.ico</icon>\n\
         \x20 <rights xml:lang=\"en\">{rights}</rights>\n",
        lang = lang.code(),
        id = xml_escape(&self_url),
        title = xml_escape(&format!("{} — {}", view.museum_name, view.t("feed-title"))),
        subtitle = xml_escape(&view.t("site-tagline")),
        museum = xml_escape(view.museum_name),
        home = xml_escape(&in_lang(base, "/", lang)),
        list = xml_escape(&in_lang(base, "/objects", lang)),
        base_x = xml_escape(base),
        rights = xml_escape(publisher.rights.name),
    );
    for object in newest {
        let page = in_lang(base, &format!("/objects/{}", crate::web::encode(&object.accession)), lang);
        let title = object.title.get(lang);
        let summary = object.description.get(lang);
        let makers = object.makers.iter().map(|m| view.maker_name(*m)).collect::<Vec<_>>().join(", ");
        let line = [view.type_label(object.type_id), view.date(&object.date), makers]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = write!(
            xml,
            "  <entry>\n\
             \x20   <id>{id}</id>\n\
             \x20   <title xml:lang=\"{title_lang}\">{title}</title>\n\
             \x20   <updated>{published}</updated>\n\
             \x20   <published>{published}</published>\n\
             \x20   <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n\
             \x20   <link rel=\"license\" href=\"{rights_uri}\"/>\n\
             \x20   <rights xml:lang=\"en\">{rights}</rights>\n\
             \x20   <category term=\"{type_code}\" label=\"{type_label}\"/>\n",
            id = xml_escape(&format!("{base}/objects/{}", crate::web::encode(&object.accession))),
            title_lang = object.title.lang_of(lang).code(),
            title = xml_escape(title),
            published = xml_escape(&object.published_at),
            page = xml_escape(&page),
            rights_uri = xml_escape(publisher.rights_of(object).uri),
            rights = xml_escape(publisher.rights_of(object).name),
            type_code = xml_escape(collection.types.get(&object.type_id).map_or("", |t| t.code.as_str())),
            type_label = xml_escape(&view.type_label(object.type_id)),
        );
        let mut html = format!("<p>{}</p>", xml_escape(&line));
        if let Some(media) = object.media.first() {
            let (width, height) = super::views::fit(media.width, media.height, 400);
            let src = format!("{base}/media/{}/400.jpg", media.hash);
            let _ = write!(
                xml,
                "    <link rel=\"enclosure\" type=\"image/jpeg\" href=\"{src}\"/>\n\
                 \x20   <media:thumbnail url=\"{src}\" width=\"{width}\" height=\"{height}\"/>\n",
                src = xml_escape(&src),
            );
            let alt = media.alt.get(lang);
            html = format!(
                "<p><img src=\"{}\" width=\"{width}\" height=\"{height}\" alt=\"{}\"></p>{html}",
                xml_escape(&src),
                xml_escape(if alt.is_empty() { title } else { alt })
            );
        }
        if !summary.is_empty() {
            let _ = writeln!(
                xml,
                "    <summary xml:lang=\"{}\">{}</summary>",
                object.description.lang_of(lang).code(),
                xml_escape(summary)
            );
            html.push_str(&format!("<p>{}</p>", xml_escape(summary)));
        }
        let _ = write!(xml, "    <content type=\"html\">{}</content>\n  </entry>\n", xml_escape(&html));
    }
    xml.push_str("</feed>\n");
    xml
}

/// `GET /feed.atom?lang=…`: new in the collection, in the asked language (Belarusian by
/// default: feed readers seldom say which language they want).
pub async fn feed_atom(State(state): State<AppState>, Query(query): Query<FeedQuery>) -> AppResult<Response> {
    let lang = match query.lang.as_deref() {
        None => Lang::DEFAULT,
        Some(code) => Lang::parse(code).ok_or(AppError::BadRequest("error-bad-query"))?,
    };
    let snapshot = state.public.current();
    let publisher = Publisher::of(&state, &snapshot);
    Ok(public(feed(&publisher, lang), "application/atom+xml; charset=utf-8"))
}

/// The favicon: the white-red-white flag, 32 pixels square, as an ICO holding one PNG.
pub fn favicon_ico() -> &'static [u8] {
    static ICON: LazyLock<Vec<u8>> = LazyLock::new(|| {
        let red = image::Rgba([0xa5, 0x1c, 0x2a, 0xff]);
        let white = image::Rgba([0xff, 0xff, 0xff, 0xff]);
        let edge = image::Rgba([0x8a, 0x84, 0x7a, 0xff]);
        let icon = image::RgbaImage::from_fn(32, 32, |x, y| {
            if x == 0 || y == 0 || x == 31 || y == 31 {
                edge
            } else if (11..21).contains(&y) {
                red
            } else {
                white
            }
        });
        let mut png = Vec::new();
        // Encoding a small image into memory cannot fail.
        let _ = icon.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
        let mut ico = vec![0, 0, 1, 0, 1, 0];
        ico.extend_from_slice(&[32, 32, 0, 0, 1, 0, 32, 0]);
        ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
        ico.extend_from_slice(&22u32.to_le_bytes());
        ico.extend_from_slice(&png);
        ico
    });
    &ICON
}

/// `GET /favicon.ico` (and `/static/favicon.ico`, which pages and the mirror link to).
pub async fn favicon() -> Response {
    let mut response = favicon_ico().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/x-icon"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_collection_is_split_into_sitemaps_of_bounded_size() {
        let pages: Vec<SitemapPage> = (0..2 * PAGES_PER_SITEMAP + 1)
            .map(|n| SitemapPage { path: format!("/objects/MFB-{n}"), lastmod: format!("2024-01-{:02}", n % 28 + 1) })
            .collect();
        let index = sitemap_index("https://m.example", &pages);
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(index.contains("<loc>https://m.example/sitemap/3.xml</loc>"));
        assert!(index.contains("<lastmod>2024-01-28</lastmod>"));
        let one = sitemap("https://m.example", &pages[..PAGES_PER_SITEMAP]);
        // Three languages per page, within the protocol's 50 000 URLs and 50 MB a file.
        assert_eq!(one.matches("<url>").count(), 3 * PAGES_PER_SITEMAP);
        assert!(one.len() < 50_000_000);
    }

    #[test]
    fn xml_text_is_escaped_and_characters_xml_cannot_hold_are_dropped() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}\u{FFFF}d\n"), "a&lt;b&gt;&amp;&quot;c&apos;d\n");
    }
}
