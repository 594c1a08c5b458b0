//! Page models of the public catalogue: the snapshot's data in the visitor's language,
//! ready for the templates (which then only lay it out).

use serde::Serialize;

use crate::collection::public::{PublicCredit, PublicMedia, PublicObject, PublicParty, PublicProvenance};
use crate::collection::rights::Rights;
use crate::collection::{AcquisitionMethod, FuzzyDate, Owner, Text3};
use crate::i18n::{Lang, Translations};
use crate::media::DERIVATIVE_SIZES;
use crate::web::{LangChoice, SafeHtml, escape_into, with_query_pairs};

use super::listing::{FacetCounts, Filters, Listing};
use super::snapshot::Snapshot;

/// Builds page models for one request.
pub struct View<'a> {
    pub snapshot: &'a Snapshot,
    pub translations: &'a Translations,
    pub choice: LangChoice,
    pub museum_name: &'a str,
    /// The collection's rights statement: an object's unless it has its own.
    pub rights: Rights,
}

/// A text value and the language it is actually in (which may be a fallback).
#[derive(Debug, Serialize)]
pub struct Localised {
    pub text: String,
    pub lang: Lang,
}

/// Longer text split into paragraphs at blank lines.
#[derive(Debug, Serialize)]
pub struct Prose {
    pub paragraphs: Vec<String>,
    pub lang: Lang,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct Image {
    pub src: String,
    pub srcset: String,
    /// The WebP versions, for browsers that take them; empty when there are none.
    pub webp_srcset: String,
    /// The WebP of `src`'s size, when there is one.
    pub webp_src: Option<String>,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub full: String,
    /// The image's rights statement where it differs from its object's.
    pub rights: Option<Rights>,
}

#[derive(Debug, Serialize)]
pub struct Party {
    pub role: String,
    pub name: String,
    pub href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProvenanceStep {
    pub kind: String,
    pub date: String,
    pub place: Option<String>,
    pub event: Option<Link>,
    pub lot: String,
    pub price: Option<String>,
    pub note: Option<Localised>,
    pub parties: Vec<Party>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct ObjectPage {
    pub title: Localised,
    pub accession: String,
    pub type_label: String,
    pub type_href: String,
    pub date: String,
    pub makers: Vec<Link>,
    pub description: Option<Prose>,
    pub inscription: Option<Localised>,
    pub fields: Vec<Field>,
    pub events: Vec<Link>,
    pub credit_line: Option<String>,
    pub images: Vec<Image>,
    pub provenance: Vec<ProvenanceStep>,
    /// The IIIF manifest, when there are images to view.
    pub manifest_href: Option<String>,
    /// A sentence or two for search engines' result lists.
    pub summary: String,
    /// The object's rights statement (its own, or the collection's).
    pub rights: Rights,
    /// Shown to staff before publishing: the same page, with a banner and staff image URLs.
    pub preview: bool,
}

impl ObjectPage {
    /// The page as the panel's preview shows it: images come from the staff route, since an
    /// unpublished object's images have no public URL. Its open-data links name the addresses
    /// the object will have once published.
    pub fn into_preview(mut self) -> Self {
        self.preview = true;
        for image in &mut self.images {
            image.src = image.src.replace("/media/", "/admin/media/");
            image.full = image.full.replace("/media/", "/admin/media/");
            image.srcset = image.srcset.replace("/media/", "/admin/media/");
            image.webp_srcset = String::new();
            image.webp_src = None;
        }
        self
    }
}

#[derive(Debug)]
pub struct FacetValue {
    pub label: String,
    pub count: usize,
    pub href: String,
    pub selected: bool,
}

#[derive(Debug)]
pub struct Facet {
    pub title: String,
    pub values: Vec<FacetValue>,
}

impl Facet {
    /// The list page's filters as HTML, each facet a section of links (those without values
    /// left out). Written here for the reason cards are (see [`View::card`]): a list page
    /// links some thirty values.
    pub fn html(facets: &[Facet]) -> SafeHtml {
        use std::fmt::Write;
        let mut html = String::with_capacity(4096);
        for facet in facets.iter().filter(|f| !f.values.is_empty()) {
            html.push_str("<section class=\"facet\">\n  <h3>");
            escape_into(&mut html, &facet.title);
            html.push_str("</h3>\n  <ul>\n");
            for value in &facet.values {
                html.push_str("    <li><a href=\"");
                escape_into(&mut html, &value.href);
                html.push_str(if value.selected { "\" aria-current=\"true\" class=\"selected\">" } else { "\">" });
                escape_into(&mut html, &value.label);
                let _ = writeln!(html, " <span class=\"count\">{}</span></a></li>", value.count);
            }
            html.push_str("  </ul>\n</section>\n");
        }
        SafeHtml::new(html)
    }
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: u64,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct Pagination {
    pub page: u64,
    pub last_page: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct ListPage {
    pub q: String,
    /// Searches and lists filtered by more than the object type: followed, not indexed
    /// (their combinations are endless; makers and events have pages of their own).
    pub list_noindex: bool,
    pub total: usize,
    pub cards: Vec<SafeHtml>,
    /// The filters' links, as HTML ([`Facet::html`]).
    pub facets: SafeHtml,
    pub active: Vec<Link>,
    pub clear_href: Option<String>,
    pub pagination: Pagination,
}

#[derive(Debug, Serialize)]
pub struct AuthorityEntry {
    pub name: String,
    pub href: String,
    pub detail: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct AuthorityPage {
    pub name: Localised,
    pub kind_label: String,
    pub detail: String,
    pub text: Option<Prose>,
    pub total: usize,
    pub all_href: String,
    pub cards: Vec<SafeHtml>,
}

/// How many objects a maker or event page shows before linking to the full list.
const AUTHORITY_CARDS: usize = 24;

pub fn fit(width: i64, height: i64, size: u32) -> (u32, u32) {
    crate::media::fit(width.clamp(1, i64::from(u32::MAX)) as u32, height.clamp(1, i64::from(u32::MAX)) as u32, size)
}

fn paragraphs_of(text: &Text3, lang: Lang) -> Option<Prose> {
    let paragraphs: Vec<String> =
        text.get(lang).split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    (!paragraphs.is_empty()).then(|| Prose { paragraphs, lang: text.lang_of(lang) })
}

fn localised_of(text: &Text3, lang: Lang) -> Option<Localised> {
    let value = text.get(lang);
    (!value.is_empty()).then(|| Localised { text: value.to_owned(), lang: text.lang_of(lang) })
}

impl<'a> View<'a> {
    pub fn t(&self, key: &str) -> String {
        self.translations.get(self.choice.lang, key, None)
    }

    fn t_with(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let mut fluent = fluent_bundle::FluentArgs::new();
        for (k, v) in args {
            fluent.set(*k, v.clone());
        }
        self.translations.get(self.choice.lang, key, Some(&fluent))
    }

    pub fn lang(&self) -> Lang {
        self.choice.lang
    }

    /// A URL with its query, carrying the visitor's explicit language choice along.
    pub fn href(&self, path: &str, pairs: &[(String, String)]) -> String {
        let lang = self.choice.explicit.then(|| ("lang", self.lang().code()));
        with_query_pairs(path, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain(lang))
    }

    fn localised(&self, text: &Text3) -> Localised {
        Localised { text: text.get(self.lang()).to_owned(), lang: text.lang_of(self.lang()) }
    }

    pub fn date(&self, date: &FuzzyDate) -> String {
        date.display(&|key| self.t(key))
    }

    /// The name of the object type `id` in this language.
    pub fn type_label(&self, id: i64) -> String {
        self.type_name(id).to_owned()
    }

    /// [`Self::type_label`], borrowed from the snapshot.
    fn type_name(&self, id: i64) -> &str {
        self.snapshot.collection.types.get(&id).map_or("", |t| t.name.get(self.lang()))
    }

    /// The code of the object type `id`, as web addresses carry it.
    fn type_code(&self, id: i64) -> &str {
        self.snapshot.collection.types.get(&id).map_or("", |t| t.code.as_str())
    }

    pub fn maker_name(&self, id: i64) -> String {
        let Some(maker) = self.snapshot.collection.makers.get(&id) else { return self.t("maker-anonymous") };
        let name = maker.name.get(self.lang());
        if name.is_empty() { self.t("maker-anonymous") } else { name.to_owned() }
    }

    fn maker_link(&self, id: i64) -> Link {
        Link { name: self.maker_name(id), href: self.href(&format!("/makers/{id}"), &[]) }
    }

    fn event_link(&self, id: i64) -> Option<Link> {
        let event = self.snapshot.collection.events.get(&id)?;
        Some(Link { name: event.name.get(self.lang()).to_owned(), href: self.href(&format!("/events/{id}"), &[]) })
    }

    fn image(&self, media: &PublicMedia, title: &str, size: u32) -> Image {
        let mut srcset = Vec::new();
        let mut webp_srcset = Vec::new();
        let mut seen = Vec::new();
        for s in DERIVATIVE_SIZES {
            let (w, _) = fit(media.width, media.height, s);
            if !seen.contains(&w) {
                seen.push(w);
                srcset.push(format!("/media/{}/{s}.jpg {w}w", media.hash));
                if media.webp_sizes.contains(&s) {
                    webp_srcset.push(format!("/media/{}/{s}.webp {w}w", media.hash));
                }
            }
        }
        let (width, height) = fit(media.width, media.height, size);
        let alt = media.alt.get(self.lang());
        Image {
            src: format!("/media/{}/{size}.jpg", media.hash),
            srcset: srcset.join(", "),
            webp_srcset: webp_srcset.join(", "),
            webp_src: media.webp_sizes.contains(&size).then(|| format!("/media/{}/{size}.webp", media.hash)),
            width,
            height,
            // An image with no alt text is described by the object's title rather than left silent.
            alt: if alt.is_empty() { title.to_owned() } else { alt.to_owned() },
            caption: media.caption.get(self.lang()).to_owned(),
            full: format!("/media/{}/{}.jpg", media.hash, DERIVATIVE_SIZES[DERIVATIVE_SIZES.len() - 1]),
            rights: None,
        }
    }

    /// An object's rights statement: its own, or the collection's.
    pub fn rights_of(&self, object: &PublicObject) -> Rights {
        object.rights.unwrap_or(self.rights)
    }

    /// One object in a list of cards, as HTML. Written here rather than by a template: lists
    /// show two dozen cards, and evaluating a template for each was about a third of the time
    /// a list page took to render (README, "Public catalogue vs nginx").
    ///
    /// The picture's `alt` is empty: the title follows it inside the same link, so a screen
    /// reader hears each title once.
    pub fn card(&self, object: &PublicObject) -> SafeHtml {
        use std::fmt::Write;
        const CARD_SIZE: u32 = 400;
        let lang = self.lang();
        let type_label = self.type_name(object.type_id);
        let mut html = String::with_capacity(640);
        html.push_str("<li class=\"card\">\n  <a href=\"");
        escape_into(&mut html, &self.href(&format!("/objects/{}", object.accession), &[]));
        html.push_str("\">\n");
        match object.media.first() {
            Some(media) => {
                let (width, height) = fit(media.width, media.height, CARD_SIZE);
                html.push_str("    <picture>\n      ");
                if media.webp_sizes.contains(&CARD_SIZE) {
                    let _ =
                        write!(html, "<source type=\"image/webp\" srcset=\"/media/{}/{CARD_SIZE}.webp\">", media.hash);
                }
                let _ = write!(
                    html,
                    "<img src=\"/media/{}/{CARD_SIZE}.jpg\" width=\"{width}\" height=\"{height}\" alt=\"\" loading=\"lazy\">\n    </picture>\n",
                    media.hash
                );
            }
            None => {
                html.push_str("    <span class=\"no-image\" aria-hidden=\"true\">");
                escape_into(&mut html, type_label);
                html.push_str("</span>\n");
            }
        }
        let _ = write!(html, "    <span class=\"card-title\" lang=\"{}\">", object.title.lang_of(lang).code());
        escape_into(&mut html, object.title.get(lang));
        html.push_str("</span>\n  </a>\n  <p class=\"card-meta\">");
        escape_into(&mut html, type_label);
        html.push_str(" · ");
        escape_into(&mut html, &self.date(&object.date));
        for (i, maker) in object.makers.iter().enumerate() {
            html.push_str(if i == 0 { " · " } else { ", " });
            escape_into(&mut html, &self.maker_name(*maker));
        }
        html.push_str("</p>\n</li>\n");
        SafeHtml::new(html)
    }

    pub fn credit_line(&self, object: &PublicObject) -> Option<String> {
        let credit = object.credit.as_ref()?;
        // The acquisition method shows in the credit line only when it is public.
        let method = object.acquisition.as_ref().map(|(m, _)| m.as_str()).unwrap_or("other");
        Some(match credit {
            PublicCredit::Anonymous => self.t_with("credit-line-anonymous", &[("method", method.to_owned())]),
            PublicCredit::Named(name) => {
                self.t_with("credit-line-named", &[("method", method.to_owned()), ("name", name.clone())])
            }
        })
    }

    fn party(&self, role: &str, party: &PublicParty) -> Party {
        let (name, href) = match party {
            PublicParty::Maker(id) => {
                let link = self.maker_link(*id);
                (link.name, Some(link.href))
            }
            PublicParty::Organisation(name) => (name.get(self.lang()).to_owned(), None),
            PublicParty::Donor(PublicCredit::Named(name)) => (name.clone(), None),
            PublicParty::Donor(PublicCredit::Anonymous) => (self.t("donor-anonymous"), None),
            PublicParty::Museum => (self.museum_name.to_owned(), None),
        };
        Party { role: self.t(&format!("party-{role}")), name, href }
    }

    fn provenance_step(&self, step: &PublicProvenance) -> ProvenanceStep {
        ProvenanceStep {
            kind: self.t(&step.kind.label_key()),
            date: step.exact_date.as_deref().map_or_else(|| self.date(&step.date), |day| self.lang().day(day)),
            place: step.place.as_ref().map(|p| p.get(self.lang()).to_owned()),
            event: step.event_id.and_then(|id| self.event_link(id)),
            lot: step.lot.clone(),
            price: step.price.as_ref().map(|(minor, currency)| self.lang().amount(*minor, currency)),
            note: localised_of(&step.note, self.lang()),
            parties: step.parties.iter().map(|(role, p)| self.party(role, p)).collect(),
        }
    }

    pub fn object_page(&self, object: &PublicObject) -> ObjectPage {
        let rights = self.rights_of(object);
        let title = self.localised(&object.title);
        let mut fields = Vec::new();
        let mut field = |label: &str, value: String| {
            if !value.trim().is_empty() {
                fields.push(Field { label: self.t(label), value });
            }
        };
        field("field-date", self.date(&object.date));
        field("field-materials", object.materials.get(self.lang()).to_owned());
        field("field-dimensions", object.dimensions.clone());
        if object.parts > 1 {
            field("field-parts", object.parts.to_string());
        }
        if let Some((method, date)) = &object.acquisition {
            let label = self.t(&method.label_key());
            field(
                "field-acquisition",
                match date {
                    Some(d) => format!("{label}, {d}"),
                    None => label,
                },
            );
        }
        let deposit = matches!(object.acquisition, Some((AcquisitionMethod::Deposit, _)));
        if object.owner == Owner::Depositor || deposit {
            field("field-ownership", self.t("ownership-deposit"));
        }
        ObjectPage {
            accession: object.accession.clone(),
            type_label: self.type_label(object.type_id),
            type_href: self.href("/objects", &[("type".to_owned(), self.type_code(object.type_id).to_owned())]),
            date: self.date(&object.date),
            makers: object.makers.iter().map(|m| self.maker_link(*m)).collect(),
            description: paragraphs_of(&object.description, self.lang()),
            inscription: object.inscription.as_ref().and_then(|i| localised_of(i, self.lang())),
            fields,
            events: object.events.iter().filter_map(|e| self.event_link(*e)).collect(),
            credit_line: self.credit_line(object),
            images: object
                .media
                .iter()
                .map(|m| Image { rights: m.rights.filter(|r| *r != rights), ..self.image(m, &title.text, 1200) })
                .collect(),
            provenance: object.provenance.iter().map(|p| self.provenance_step(p)).collect(),
            manifest_href: (!object.media.is_empty()).then(|| format!("/iiif/{}/manifest.json", object.accession)),
            summary: self.summary(object),
            rights,
            preview: false,
            title,
        }
    }

    /// The first words of the description (about 200 characters, ending at a word), or the
    /// object's type, date and makers when it has none.
    fn summary(&self, object: &PublicObject) -> String {
        const ABOUT: usize = 200;
        let description = object.description.get(self.lang()).split_whitespace().collect::<Vec<_>>().join(" ");
        if description.is_empty() {
            let makers = object.makers.iter().map(|m| self.maker_name(*m)).collect::<Vec<_>>().join(", ");
            return [self.type_label(object.type_id), self.date(&object.date), makers]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
        }
        if description.chars().count() <= ABOUT {
            return description;
        }
        let cut: String = description.chars().take(ABOUT).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(words, _)| words);
        format!("{cut}…")
    }

    fn facet_href(&self, filters: &Filters, change: impl FnOnce(&mut Filters)) -> String {
        let mut next = filters.clone();
        change(&mut next);
        next.page = None;
        self.href("/objects", &next.pairs())
    }

    fn facets(&self, filters: &Filters, counts: &FacetCounts) -> Vec<Facet> {
        let mut types: Vec<FacetValue> = counts
            .types
            .iter()
            .map(|(id, count)| {
                let code = self.type_code(*id);
                let selected = filters.object_type.as_deref() == Some(code);
                FacetValue {
                    label: self.type_label(*id),
                    count: *count,
                    href: self.facet_href(filters, |f| f.object_type = (!selected).then(|| code.to_owned())),
                    selected,
                }
            })
            .collect();
        types.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| crate::i18n::collate(self.lang(), &a.label, &b.label)));

        // Each maker's name once, not once per comparison.
        let mut makers: Vec<(i64, usize, String)> =
            counts.makers.iter().map(|(id, count)| (*id, *count, self.maker_name(*id))).collect();
        makers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| crate::i18n::collate(self.lang(), &a.2, &b.2)));
        let makers = makers
            .into_iter()
            .take(12)
            .map(|(id, count, label)| {
                let selected = filters.maker == Some(id);
                FacetValue {
                    label,
                    count,
                    href: self.facet_href(filters, |f| f.maker = if selected { None } else { Some(id) }),
                    selected,
                }
            })
            .collect();

        let mut events: Vec<(i64, usize)> = counts.events.iter().map(|(k, v)| (*k, *v)).collect();
        events.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let events = events
            .into_iter()
            .take(12)
            .filter_map(|(id, count)| {
                let selected = filters.event == Some(id);
                Some(FacetValue {
                    label: self.event_link(id)?.name,
                    count,
                    href: self.facet_href(filters, |f| f.event = if selected { None } else { Some(id) }),
                    selected,
                })
            })
            .collect();

        let mut years: Vec<(i64, usize)> = counts.years.iter().map(|(k, v)| (*k, *v)).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        let years = years
            .into_iter()
            .map(|(year, count)| {
                let selected = filters.year == Some(year);
                FacetValue {
                    label: year.to_string(),
                    count,
                    href: self.facet_href(filters, |f| f.year = if selected { None } else { Some(year) }),
                    selected,
                }
            })
            .collect();

        vec![
            Facet { title: self.t("facet-type"), values: types },
            Facet { title: self.t("facet-maker"), values: makers },
            Facet { title: self.t("facet-event"), values: events },
            Facet { title: self.t("facet-year"), values: years },
        ]
    }

    fn active_filters(&self, filters: &Filters) -> Vec<Link> {
        let mut active = Vec::new();
        if let Some(t) = filters.object_type.as_deref().and_then(|code| self.snapshot.collection.type_by_code(code)) {
            active.push(Link { name: self.type_label(t.id), href: self.facet_href(filters, |f| f.object_type = None) });
        }
        if let Some(m) = filters.maker {
            active.push(Link { name: self.maker_name(m), href: self.facet_href(filters, |f| f.maker = None) });
        }
        if let Some(e) = filters.event {
            let name = self.event_link(e).map(|l| l.name).unwrap_or_else(|| e.to_string());
            active.push(Link { name, href: self.facet_href(filters, |f| f.event = None) });
        }
        if let Some(y) = filters.year {
            active.push(Link { name: y.to_string(), href: self.facet_href(filters, |f| f.year = None) });
        }
        active
    }

    fn pagination(&self, filters: &Filters, listing: &Listing) -> Pagination {
        let link = |n: u64| {
            let mut pairs = filters.pairs();
            if n > 1 {
                pairs.push(("page".to_owned(), n.to_string()));
            }
            self.href("/objects", &pairs)
        };
        let (page, last) = (listing.page, listing.last_page);
        let mut numbers: Vec<u64> =
            vec![1, page.saturating_sub(2), page.saturating_sub(1), page, page + 1, page + 2, last];
        numbers.retain(|n| (1..=last).contains(n));
        numbers.sort_unstable();
        numbers.dedup();
        Pagination {
            page,
            last_page: last,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < last).then(|| link(page + 1)),
            pages: numbers.into_iter().map(|n| PageLink { number: n, href: link(n), current: n == page }).collect(),
        }
    }

    pub fn list_page(&self, filters: &Filters, listing: &Listing) -> ListPage {
        let objects = &self.snapshot.collection.objects;
        ListPage {
            q: filters.q.clone(),
            list_noindex: !filters.q.is_empty()
                || filters.maker.is_some()
                || filters.event.is_some()
                || filters.year.is_some(),
            total: listing.total,
            cards: listing.items.iter().filter_map(|i| objects.get(*i)).map(|o| self.card(o)).collect(),
            facets: Facet::html(&self.facets(filters, &listing.facets)),
            active: self.active_filters(filters),
            clear_href: (!filters.is_empty()).then(|| self.href("/objects", &[])),
            pagination: self.pagination(filters, listing),
        }
    }

    pub fn makers_index(&self) -> Vec<AuthorityEntry> {
        self.snapshot
            .makers_in_order(self.lang())
            .iter()
            .filter_map(|id| {
                let maker = self.snapshot.collection.makers.get(id)?;
                Some(AuthorityEntry {
                    name: self.maker_name(*id),
                    href: self.href(&format!("/makers/{id}"), &[]),
                    detail: self.t(&maker.kind.label_key()),
                    count: self.snapshot.maker_counts.get(id).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    fn event_dates(&self, starts: &Option<String>, ends: &Option<String>) -> String {
        let day = |iso: &String| self.lang().day(iso);
        match (starts, ends) {
            (Some(s), Some(e)) if s != e => format!("{} – {}", day(s), day(e)),
            (Some(s), _) => day(s),
            (None, Some(e)) => day(e),
            (None, None) => String::new(),
        }
    }

    pub fn events_index(&self) -> Vec<AuthorityEntry> {
        self.snapshot
            .events_sorted
            .iter()
            .filter_map(|id| {
                let event = self.snapshot.collection.events.get(id)?;
                let mut detail = vec![self.t(&event.kind.label_key())];
                let dates = self.event_dates(&event.starts_on, &event.ends_on);
                if !dates.is_empty() {
                    detail.push(dates);
                }
                if let Some(place) = &event.place {
                    detail.push(place.get(self.lang()).to_owned());
                }
                Some(AuthorityEntry {
                    name: event.name.get(self.lang()).to_owned(),
                    href: self.href(&format!("/events/{id}"), &[]),
                    detail: detail.join(" · "),
                    count: self.snapshot.event_counts.get(id).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    fn cards_where(&self, keep: impl Fn(&PublicObject) -> bool) -> (usize, Vec<SafeHtml>) {
        let matching: Vec<&PublicObject> = self.snapshot.collection.objects.iter().filter(|o| keep(o)).collect();
        (matching.len(), matching.iter().take(AUTHORITY_CARDS).map(|o| self.card(o)).collect())
    }

    pub fn maker_page(&self, id: i64) -> Option<AuthorityPage> {
        let maker = self.snapshot.collection.makers.get(&id)?;
        let (total, cards) = self.cards_where(|o| o.makers.contains(&id));
        let name = self.maker_name(id);
        Some(AuthorityPage {
            name: Localised { text: name, lang: maker.name.lang_of(self.lang()) },
            kind_label: self.t(&maker.kind.label_key()),
            detail: String::new(),
            text: paragraphs_of(&maker.bio, self.lang()),
            total,
            all_href: self.href("/objects", &[("maker".to_owned(), id.to_string())]),
            cards,
        })
    }

    pub fn event_page(&self, id: i64) -> Option<AuthorityPage> {
        let event = self.snapshot.collection.events.get(&id)?;
        let (total, cards) = self.cards_where(|o| o.events.contains(&id));
        let mut detail = vec![self.event_dates(&event.starts_on, &event.ends_on)];
        if let Some(place) = &event.place {
            detail.push(place.get(self.lang()).to_owned());
        }
        detail.retain(|d| !d.is_empty());
        Some(AuthorityPage {
            name: self.localised(&event.name),
            kind_label: self.t(&event.kind.label_key()),
            detail: detail.join(" · "),
            text: paragraphs_of(&event.description, self.lang()),
            total,
            all_href: self.href("/objects", &[("event".to_owned(), id.to_string())]),
            cards,
        })
    }
}
