//! Linked Art (JSON-LD over CIDOC-CRM) for researchers and aggregators: every published
//! object, maker and event, built from the public snapshot only.
//!
//! Provenance follows CIDOC-CRM from the object: each change of ownership is an `Acquisition`
//! (`changed_ownership_through`, P24i), each change of keeper only a `TransferOfCustody`
//! (`custody_transferred_through`, P30i); both are `part_of` the provenance activity that
//! carries the date, the place, the auction with its lot and the payment.

use serde_json::{Value, json};

use crate::collection::public::{PublicCredit, PublicObject, PublicParty, PublicProvenance};
use crate::collection::{FuzzyDate, MakerKind, ProvenanceKind, Text3};
use crate::i18n::Lang;

use super::iiif::Publisher;

/// The Linked Art context every document names.
pub const CONTEXT: &str = "https://linked.art/ns/v1/linked-art.json";

/// The media type answers carry.
pub const MEDIA_TYPE: &str = "application/ld+json;profile=\"https://linked.art/ns/v1/linked-art.json\"";

/// Words in be, en and ru (the order of [`Lang::ALL`]).
fn text3([be, en, ru]: [String; 3]) -> Text3 {
    Text3::new(be, en, ru)
}

/// A rights statement as Linked Art has it: a `Right` classified by the statement's URI.
fn right(rights: crate::collection::rights::Rights) -> Value {
    json!({ "type": "Right", "classified_as": [{ "id": rights.uri, "type": "Type", "_label": rights.name }] })
}

fn aat(id: &str, label: &str) -> Value {
    json!({ "id": format!("http://vocab.getty.edu/aat/{id}"), "type": "Type", "_label": label })
}

fn language(lang: Lang) -> Value {
    let label = match lang {
        Lang::Be => "Belarusian",
        Lang::En => "English",
        Lang::Ru => "Russian",
    };
    json!({ "id": format!("http://id.loc.gov/vocabulary/iso639-1/{}", lang.code()), "type": "Language", "_label": label })
}

/// The AAT term of each object type zbor ships with, where the Getty vocabulary has one.
fn type_term(code: &str) -> Option<Value> {
    let (id, label) = match code {
        "painting" => ("300033618", "paintings (visual works)"),
        "poster" => ("300027221", "posters"),
        "photograph" => ("300046300", "photographs"),
        "letter" => ("300026879", "letters (correspondence)"),
        "flag" => ("300037254", "flags (emblems)"),
        "badge" => ("300137029", "badges (identifying artifacts)"),
        "ribbon" => ("300231823", "ribbons (strips)"),
        _ => return None,
    };
    let mut term = aat(id, label);
    term["classified_as"] = json!([aat("300435443", "type of work")]);
    Some(term)
}

/// One node per language that has the text, made by `node` from the text and its language.
fn per_language(text: &Text3, node: impl Fn(&str, Value) -> Value) -> Vec<Value> {
    Lang::ALL
        .iter()
        .filter_map(|lang| {
            let content = text.in_lang(*lang).trim();
            (!content.is_empty()).then(|| node(content, language(*lang)))
        })
        .collect()
}

/// One statement per language that has the text, of the kind `classified` (an AAT id, label).
fn statements(text: &Text3, classified: (&str, &str)) -> Vec<Value> {
    per_language(text, |content, language| {
        json!({
            "type": "LinguisticObject",
            "classified_as": [{
                "id": format!("http://vocab.getty.edu/aat/{}", classified.0),
                "type": "Type",
                "_label": classified.1,
                "classified_as": [aat("300418049", "brief text")]
            }],
            "content": content,
            "language": [language]
        })
    })
}

/// One `Name` per language that has the text; the first is the primary name.
fn names(text: &Text3) -> Vec<Value> {
    per_language(text, |content, language| {
        json!({
            "type": "Name",
            "classified_as": [aat("300404670", "primary name")],
            "content": content,
            "language": [language]
        })
    })
}

/// The span a fuzzy date covers, with its words in each language as its names.
fn timespan(publisher: &Publisher, date: &FuzzyDate, exact: Option<&str>) -> Option<Value> {
    let (begin, end) = match exact {
        Some(day) => (format!("{day}T00:00:00Z"), format!("{day}T23:59:59Z")),
        None => {
            let (first, last) = (date.earliest?, date.latest.or(date.earliest)?);
            (format!("{first:04}-01-01T00:00:00Z"), format!("{last:04}-12-31T23:59:59Z"))
        }
    };
    let words = Lang::ALL.map(|lang| exact.map_or_else(|| publisher.view(lang).date(date), str::to_owned));
    let mut span = json!({
        "type": "TimeSpan",
        "begin_of_the_begin": begin,
        "end_of_the_end": end
    });
    let names: Vec<Value> = Lang::ALL
        .iter()
        .zip(words)
        .map(|(lang, content)| json!({ "type": "Name", "content": content, "language": [language(*lang)] }))
        .collect();
    span["identified_by"] = json!(names);
    Some(span)
}

/// A maker as an agent: a person, or a group for a collective; `None` for an anonymous one.
fn maker_agent(publisher: &Publisher, id: i64) -> Option<Value> {
    let maker = publisher.snapshot.collection.makers.get(&id)?;
    if maker.kind == MakerKind::Anonymous || maker.name.is_empty() {
        return None;
    }
    let kind = if maker.kind == MakerKind::Collective { "Group" } else { "Person" };
    Some(json!({
        "id": format!("{}/makers/{id}.jsonld", publisher.base),
        "type": kind,
        "_label": maker.name.get(Lang::En),
    }))
}

/// A party of a provenance step as an agent.
fn party_agent(publisher: &Publisher, party: &PublicParty) -> Value {
    match party {
        PublicParty::Maker(id) => {
            maker_agent(publisher, *id).unwrap_or_else(|| json!({ "type": "Person", "_label": "anonymous maker" }))
        }
        PublicParty::Organisation(name) => json!({ "type": "Group", "_label": name.get(Lang::En) }),
        PublicParty::Donor(PublicCredit::Named(name)) => json!({ "type": "Person", "_label": name }),
        PublicParty::Donor(PublicCredit::Anonymous) => json!({ "type": "Person", "_label": "anonymous donor" }),
        PublicParty::Museum => museum(publisher),
    }
}

fn museum(publisher: &Publisher) -> Value {
    json!({ "id": format!("{}/", publisher.base), "type": "Group", "_label": publisher.museum_name() })
}

/// The agents of a step with one of `roles`.
fn parties(publisher: &Publisher, step: &PublicProvenance, roles: &[&str]) -> Vec<Value> {
    step.parties
        .iter()
        .filter(|(role, _)| roles.contains(&role.as_str()))
        .map(|(_, p)| party_agent(publisher, p))
        .collect()
}

/// What a provenance step did to the object.
enum Transfer {
    Ownership,
    Custody,
    Nothing,
}

fn transfer(kind: ProvenanceKind) -> Transfer {
    match kind {
        ProvenanceKind::Bought | ProvenanceKind::Given => Transfer::Ownership,
        ProvenanceKind::Deposited | ProvenanceKind::Moved | ProvenanceKind::Returned => Transfer::Custody,
        ProvenanceKind::Made | ProvenanceKind::Exhibited | ProvenanceKind::Auctioned => Transfer::Nothing,
    }
}

/// The provenance activity of `step`, with the auction, lot and payment it names.
fn activity(publisher: &Publisher, object_id: &str, n: usize, step: &PublicProvenance) -> Value {
    let mut classes = vec![aat("300055863", "provenance activity")];
    if step.kind == ProvenanceKind::Auctioned {
        classes.push(aat("300054751", "auction events"));
    }
    let mut activity = json!({
        "id": format!("{object_id}#provenance-{n}"),
        "type": "Activity",
        "classified_as": classes,
        "_label": publisher.view(Lang::En).t(&step.kind.label_key()),
    });
    if let Some(span) = timespan(publisher, &step.date, step.exact_date.as_deref()) {
        activity["timespan"] = span;
    }
    if let Some(place) = &step.place {
        activity["took_place_at"] =
            json!([{ "type": "Place", "_label": place.get(Lang::En), "identified_by": names(place) }]);
    }
    if !step.lot.trim().is_empty() {
        activity["identified_by"] = json!([{
            "type": "Identifier",
            "classified_as": [aat("300404628", "lot numbers")],
            "content": step.lot.trim()
        }]);
    }
    let organisers = parties(publisher, step, &["organiser"]);
    if !organisers.is_empty() {
        activity["carried_out_by"] = json!(organisers);
    }
    if let Some(event) = step.event_id.and_then(|id| publisher.snapshot.collection.events.get(&id)) {
        activity["part_of"] = json!([{
            "id": format!("{}/events/{}.jsonld", publisher.base, event.id),
            "type": "Activity",
            "_label": event.name.get(Lang::En)
        }]);
    }
    let mut parts = Vec::new();
    if let Some((minor, currency)) = &step.price {
        parts.push(json!({
            "type": "Payment",
            "paid_amount": {
                "type": "MonetaryAmount",
                "value": *minor as f64 / 100.0,
                "currency": { "type": "Currency", "_label": currency }
            },
            "paid_from": parties(publisher, step, &["buyer"]),
            "paid_to": parties(publisher, step, &["seller", "organiser"])
        }));
    }
    let statement = statements(&step.note, ("300435438", "provenance statement"));
    if !statement.is_empty() {
        activity["referred_to_by"] = json!(statement);
    }
    if !parts.is_empty() {
        activity["part"] = json!(parts);
    }
    activity
}

/// The object's provenance: acquisitions and transfers of custody, each part of its activity.
/// A purchase on the day of an auction the chain names is the auction's sale.
fn provenance(publisher: &Publisher, object: &PublicObject, object_id: &str) -> (Vec<Value>, Vec<Value>) {
    let (mut ownership, mut custody) = (Vec::new(), Vec::new());
    let steps = &object.provenance;
    for (n, step) in steps.iter().enumerate() {
        let own = json!({ "id": object_id, "type": "HumanMadeObject" });
        let host = |step: &PublicProvenance| {
            steps[..n]
                .iter()
                .enumerate()
                .rev()
                .find(|(_, s)| {
                    s.kind == ProvenanceKind::Auctioned && s.exact_date.is_some() && s.exact_date == step.exact_date
                })
                .map(|(i, s)| activity(publisher, object_id, i + 1, s))
        };
        match transfer(step.kind) {
            Transfer::Ownership => {
                let within = host(step).unwrap_or_else(|| activity(publisher, object_id, n + 1, step));
                let mut acquisition = json!({
                    "id": format!("{object_id}#acquisition-{}", n + 1),
                    "type": "Acquisition",
                    "_label": publisher.view(Lang::En).t(&step.kind.label_key()),
                    "transferred_title_of": [own],
                    "transferred_title_from": parties(publisher, step, &["seller", "giver", "owner"]),
                    "transferred_title_to": parties(publisher, step, &["buyer", "receiver"]),
                    "part_of": [within]
                });
                if let Some(span) = timespan(publisher, &step.date, step.exact_date.as_deref()) {
                    acquisition["timespan"] = span;
                }
                ownership.push(acquisition);
            }
            Transfer::Custody => {
                let mut transfer = json!({
                    "id": format!("{object_id}#custody-{}", n + 1),
                    "type": "TransferOfCustody",
                    "_label": publisher.view(Lang::En).t(&step.kind.label_key()),
                    "transferred_custody_of": [own],
                    "transferred_custody_from": parties(publisher, step, &["depositor", "giver", "seller", "owner"]),
                    "transferred_custody_to": parties(publisher, step, &["receiver", "buyer"]),
                    "part_of": [activity(publisher, object_id, n + 1, step)]
                });
                if let Some(span) = timespan(publisher, &step.date, step.exact_date.as_deref()) {
                    transfer["timespan"] = span;
                }
                custody.push(transfer);
            }
            Transfer::Nothing => {}
        }
    }
    (ownership, custody)
}

/// The Linked Art `HumanMadeObject` of a published object.
pub fn object(publisher: &Publisher, object: &PublicObject) -> Value {
    let base = publisher.base;
    let accession = crate::web::encode(&object.accession);
    let id = format!("{base}/objects/{accession}.jsonld");
    let collection = &publisher.snapshot.collection;
    let mut identified_by = names(&object.title);
    identified_by.push(json!({
        "type": "Identifier",
        "classified_as": [aat("300312355", "accession numbers")],
        "content": object.accession
    }));
    let mut classified_as = Vec::new();
    if let Some(kind) = collection.types.get(&object.type_id) {
        if let Some(term) = type_term(&kind.code) {
            classified_as.push(term);
        }
        classified_as.push(json!({
            "id": format!("{base}/objects?type={}", crate::web::encode(&kind.code)),
            "type": "Type",
            "_label": kind.name.get(Lang::En),
            "identified_by": names(&kind.name),
            "classified_as": [aat("300435443", "type of work")]
        }));
    }
    let mut referred_to_by = statements(&object.description, ("300435416", "description"));
    referred_to_by.extend(statements(&object.materials, ("300435429", "material statement")));
    if !object.dimensions.trim().is_empty() {
        referred_to_by.extend(statements(&Text3::same(object.dimensions.trim()), ("300435430", "dimension statement")));
    }
    let credit = Lang::ALL.map(|lang| publisher.view(lang).credit_line(object).unwrap_or_default());
    let rights = publisher.rights_of(object);
    referred_to_by.extend(statements(&text3(credit), ("300026687", "acknowledgments")));
    referred_to_by.push(json!({
        "type": "LinguisticObject",
        "classified_as": [aat("300435434", "copyright/licensing statement")],
        "content": rights.name,
        "subject_to": [right(rights)]
    }));

    let mut production = json!({ "type": "Production" });
    if let Some(span) = timespan(publisher, &object.date, None) {
        production["timespan"] = span;
    }
    let makers: Vec<Value> = object.makers.iter().filter_map(|m| maker_agent(publisher, *m)).collect();
    if !makers.is_empty() {
        production["carried_out_by"] = json!(makers);
    }
    let anonymous = object.makers.iter().any(|m| maker_agent(publisher, *m).is_none());
    if anonymous || object.makers.is_empty() {
        let words = Lang::ALL.map(|lang| publisher.view(lang).t("maker-anonymous"));
        production["referred_to_by"] = json!(statements(&text3(words), ("300435436", "production statement")));
    }

    let page = format!("{base}/objects/{accession}");
    let mut subject_of = vec![json!({
        "type": "LinguisticObject",
        "_label": "Catalogue page",
        "digitally_carried_by": [{
            "type": "DigitalObject",
            "format": "text/html",
            "access_point": [{ "id": page, "type": "DigitalObject" }]
        }]
    })];
    let mut representation = Vec::new();
    if !object.media.is_empty() {
        subject_of.push(json!({
            "type": "LinguisticObject",
            "_label": "IIIF manifest",
            "digitally_carried_by": [{
                "type": "DigitalObject",
                "format": "application/ld+json;profile=\"http://iiif.io/api/presentation/3/context.json\"",
                "conforms_to": [{ "id": "http://iiif.io/api/presentation" }],
                "access_point": [{ "id": format!("{base}/iiif/{accession}/manifest.json"), "type": "DigitalObject" }]
            }]
        }));
        for media in &object.media {
            representation.push(json!({
                "type": "VisualItem",
                "digitally_shown_by": [{
                    "type": "DigitalObject",
                    "format": "image/jpeg",
                    "access_point": [{ "id": format!("{base}/media/{}/1200.jpg", media.hash), "type": "DigitalObject" }],
                    "subject_to": [right(publisher.image_rights(media))],
                    "digitally_available_via": [{
                        "type": "DigitalService",
                        "conforms_to": [{ "id": "http://iiif.io/api/image" }],
                        "access_point": [{ "id": format!("{base}/iiif/image/{}", media.hash), "type": "DigitalObject" }]
                    }]
                }]
            }));
        }
    }
    let (ownership, custody) = provenance(publisher, object, &id);
    let mut document = json!({
        "@context": CONTEXT,
        "id": id,
        "type": "HumanMadeObject",
        "_label": object.title.get(Lang::En),
        "identified_by": identified_by,
        "classified_as": classified_as,
        "referred_to_by": referred_to_by,
        "produced_by": production,
        "current_keeper": [museum(publisher)],
        "subject_of": subject_of,
    });
    if !representation.is_empty() {
        document["representation"] = json!(representation);
    }
    let events: Vec<Value> = object
        .events
        .iter()
        .filter_map(|e| collection.events.get(e))
        .map(|e| json!({ "id": format!("{base}/events/{}.jsonld", e.id), "type": "Activity", "_label": e.name.get(Lang::En) }))
        .collect();
    if !events.is_empty() {
        document["about"] = json!(events);
    }
    if !ownership.is_empty() {
        document["changed_ownership_through"] = json!(ownership);
    }
    if !custody.is_empty() {
        document["custody_transferred_through"] = json!(custody);
    }
    document
}

/// The Linked Art record of a published maker: a `Person`, or a `Group` for a collective.
pub fn maker(publisher: &Publisher, id: i64) -> Option<Value> {
    let maker = publisher.snapshot.collection.makers.get(&id)?;
    let kind = if maker.kind == MakerKind::Collective { "Group" } else { "Person" };
    let mut document = json!({
        "@context": CONTEXT,
        "id": format!("{}/makers/{id}.jsonld", publisher.base),
        "type": kind,
        "_label": if maker.name.is_empty() { publisher.view(Lang::En).t("maker-anonymous") } else { maker.name.get(Lang::En).to_owned() },
        "identified_by": names(&maker.name),
        "subject_of": [{
            "type": "LinguisticObject",
            "digitally_carried_by": [{
                "type": "DigitalObject",
                "format": "text/html",
                "access_point": [{ "id": format!("{}/makers/{id}", publisher.base), "type": "DigitalObject" }]
            }]
        }]
    });
    let mut referred_to_by = statements(&maker.bio, ("300435422", "biography statement"));
    if maker.kind == MakerKind::Anonymous || maker.name.is_empty() {
        let words = Lang::ALL.map(|lang| publisher.view(lang).t("maker-anonymous"));
        referred_to_by.extend(statements(&text3(words), ("300404670", "primary name")));
    }
    if !referred_to_by.is_empty() {
        document["referred_to_by"] = json!(referred_to_by);
    }
    Some(document)
}

/// The Linked Art record of an event: an `Activity` with its kind, time and place.
pub fn event(publisher: &Publisher, id: i64) -> Option<Value> {
    let event = publisher.snapshot.collection.events.get(&id)?;
    let kind = Lang::ALL.map(|lang| publisher.view(lang).t(&event.kind.label_key()));
    let mut document = json!({
        "@context": CONTEXT,
        "id": format!("{}/events/{id}.jsonld", publisher.base),
        "type": "Activity",
        "_label": event.name.get(Lang::En),
        "identified_by": names(&event.name),
        "classified_as": [{ "type": "Type", "_label": kind[1], "identified_by": names(&text3(kind)) }],
        "subject_of": [{
            "type": "LinguisticObject",
            "digitally_carried_by": [{
                "type": "DigitalObject",
                "format": "text/html",
                "access_point": [{ "id": format!("{}/events/{id}", publisher.base), "type": "DigitalObject" }]
            }]
        }]
    });
    if event.kind == crate::collection::EventKind::Auction
        && let Some(classes) = document["classified_as"].as_array_mut()
    {
        classes.push(aat("300054751", "auction events"));
    }
    let description = statements(&event.description, ("300435416", "description"));
    if !description.is_empty() {
        document["referred_to_by"] = json!(description);
    }
    let (begin, end) = (event.starts_on.as_deref(), event.ends_on.as_deref().or(event.starts_on.as_deref()));
    if let (Some(begin), Some(end)) = (begin, end) {
        document["timespan"] = json!({
            "type": "TimeSpan",
            "begin_of_the_begin": format!("{begin}T00:00:00Z"),
            "end_of_the_end": format!("{end}T23:59:59Z")
        });
    }
    if let Some(place) = &event.place {
        document["took_place_at"] =
            json!([{ "type": "Place", "_label": place.get(Lang::En), "identified_by": names(place) }]);
    }
    Some(document)
}
