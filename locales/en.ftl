# English interface strings. Plural selection goes through PLURAL(), backed by ICU4X.

site-tagline = Objects of the Belarusian protests since 2020
feed-title = new in the collection
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-objects = Collection
nav-makers = Makers
nav-events = Events
lang-label = Language
search-label = Search the collection
search-placeholder = flag, ribbon, cat…
search-button = Search
footer-text = The Museum of Free Belarus keeps the objects of a people's peaceful protest. Donors stay anonymous if they wish.
footer-open-data = This catalogue works without JavaScript and loads nothing from other sites.

objects-count = { PLURAL($count) ->
    [one] { $count } object
   *[other] { $count } objects
}
makers-count = { PLURAL($count) ->
    [one] { $count } maker
   *[other] { $count } makers
}
events-count = { PLURAL($count) ->
    [one] { $count } event
   *[other] { $count } events
}

home-intro = Flags sewn from bed sheets, ribbons, badges, posters printed at night, letters from prison: the objects of the Belarusian protests since 2020, kept in exile for the day they can go home.
home-recent = Recent acquisitions
home-browse = Browse by type
home-all = See the whole collection

list-title = Collection
list-search-title = Search results for “{ $q }”
list-none = Nothing matches. Try fewer words or remove a filter.
list-filters = Refine
list-active = Active filters
list-remove = Remove filter
list-clear = Clear all
facet-type = Type
facet-maker = Maker
facet-event = Event
facet-year = Year
pagination-label = Pages
page-prev = Previous
page-next = Next
page-of = Page { $page } of { $last }

object-accession = Accession number
object-makers = Made by
object-type = Type
object-description = Description
object-inscription = Inscription
object-details = Details
object-events = Connected events
object-provenance = Provenance
object-credit = Credit
object-images = Images
object-no-image = No public image yet
object-open-data = Open data
object-iiif = IIIF manifest (for image viewers such as Mirador)
object-open-image = Open the large image
iiif-holder = Holding institution
object-rights = Rights
object-image-rights = Rights of this image
object-linked-art = Linked Art (JSON-LD, for researchers and aggregators)
object-lot = Lot { $lot }
object-price = Price
field-date = Date
field-materials = Materials
field-dimensions = Dimensions
field-parts = Parts
field-acquisition = Acquisition
field-ownership = Ownership
ownership-deposit = On deposit: the depositor remains the owner; the museum is the keeper.

credit-line-named = { $method ->
    [gift] Gift of { $name }
    [deposit] On deposit from { $name }
    [purchase] Purchased from { $name }
    [transfer] Transferred by { $name }
   *[other] Courtesy of { $name }
}
credit-line-anonymous = { $method ->
    [gift] Gift of an anonymous donor
    [deposit] On deposit from an anonymous owner
   *[other] From an anonymous donor
}
donor-anonymous = an anonymous donor
maker-anonymous = Anonymous maker

party-maker = maker
party-seller = seller
party-buyer = buyer
party-giver = giver
party-receiver = received by
party-depositor = depositor
party-organiser = organiser
party-owner = owner

authority-all = See all { $count } objects in the collection
authority-objects = Objects


acquisition-gift = Gift
acquisition-purchase = Purchase
acquisition-deposit = Deposit for safekeeping
acquisition-transfer = Transfer
acquisition-found = Found

state-draft = Draft
state-published = Published
state-withdrawn = Withdrawn

date-unknown = Date unknown
date-exact = exact
date-circa = c.
date-before = before
date-after = after
date-between = between

maker-kind-person = Person
maker-kind-collective = Collective
maker-kind-anonymous = Anonymous
maker-kind-pseudonym = Pseudonym

event-kind-protest = Protest
event-kind-march = March
event-kind-auction = Auction
event-kind-exhibition = Exhibition

provenance-made = Made
provenance-exhibited = Exhibited
provenance-auctioned = Sold at auction
provenance-bought = Bought
provenance-given = Given
provenance-deposited = Deposited for safekeeping
provenance-moved = Moved
provenance-returned = Returned

credit-anonymous = Anonymous
credit-pseudonym = Pseudonym
credit-name = Name

owner-museum = The museum
owner-depositor = The depositor
owner-unknown = Unknown

error-heading = { $status ->
    [403] Not allowed
    [404] Not found
    [400] That request could not be understood
    [429] Too many requests
    [503] Closed for now
    [405] Not possible at this address
   *[other] Something went wrong
}
error-not-found = There is nothing at this address. The object may not be published, or the link may be mistyped.
error-bad-filter = One of the filters has a value that does not exist. Remove it and try again.
error-bad-page = Page numbers are whole numbers from 1.
error-bad-query = The address has characters that could not be read.
error-method = This address cannot be used that way: it can be read, or it takes its own form, and nothing else.
error-internal = The museum's server could not answer. Nothing you sent was lost; please try again later.
error-back = Back to the collection

admin-login-title = Staff sign-in
admin-login-failed = The username, password or code is not right. Please try again.
admin-username = Username
admin-password = Password
admin-totp = Code from your authenticator app, or a recovery code (if you set one up)
admin-login-button = Sign in
admin-dashboard = Curator panel
admin-signed-in = Signed in as { $name }
admin-images-pending = Images being prepared
admin-jobs-failed = Image jobs that failed
admin-logout = Sign out
error-forbidden = This request did not come from the museum's own pages, or its form has expired. Go back, reload the page and try again.
totp-title = Second factor
totp-intro = Scan this code with an authenticator app (such as Aegis, FreeOTP or Google Authenticator), then type the six-digit code it shows. Admins and keyholders must sign in with a code.
totp-qr-alt = QR code with the secret for your authenticator app
totp-secret = Or type this secret into the app:
totp-code = Six-digit code from the app
totp-confirm = Confirm
totp-wrong = That code is not right. Check the time on your phone and try the next code.
totp-done = Your second factor is set up. From now on, sign in with a code from the app.
totp-recovery = Recovery codes: each works once if you lose your phone. Write them down now; they are not shown again.
totp-already = Your second factor is already set up.

error-too-many = Too many requests have come from here or from everyone in the last hour. Nothing was stored. Please try again later.
error-intake-closed = The museum cannot accept offers at the moment. Nothing was stored. Please try again later.
error-busy = The museum's server is too busy to answer right now. Nothing you sent was stored; please try again in a minute.
nav-offer = Offer an object

upload-empty = One of the files is empty.
upload-unsupported = This is a { $n } file. Please send JPEG, PNG or WebP photos; on an iPhone, choose Settings → Camera → Formats → Most Compatible, or share the photo as JPEG.
upload-not-image = One of the files is not a photo. Please send JPEG, PNG or WebP.
upload-corrupt = One of the photos is damaged or incomplete; please send it again.
upload-too-large = One of the photos is too large ({ $n }). Please send a smaller one.
upload-file-too-big = One of the files is larger than { $n } MB. Please send a smaller photo.
upload-too-many = Too many files: at most { $n } photos at a time.
upload-too-slow = The upload took too long and was stopped. Please try again.
offer-form-too-big = The form was too large to read. Please shorten the texts and try again.

offer-title = Offer an object to the museum
offer-lead = Do you have a painting, poster, flag, ribbon, badge, letter or anything else from the Belarusian protests since 2020? Tell us about it.
offer-safety = You do not need to give your name. This page sets no cookie and the museum does not record your address or browser. Your story and your contact are encrypted the moment they arrive, so that only the museum's keyholders can read them, on their own computers.
offer-tor = If you are in Belarus, please use Tor Browser (torproject.org) and a device that is not checked by anyone else. The form works with JavaScript switched off.
offer-has-errors = Some fields need attention; they are marked below. Nothing was stored yet.
offer-about-object = The object
offer-staff-reads = Museum staff can read this part.
offer-field-title = What is it?
offer-required = required
offer-help-title = A few words, e.g. “White-red-white flag from the march of 16 August 2020”.
offer-field-type = Kind of object
offer-help-type = Choose the closest; “not sure” is fine.
offer-type-unsure = Not sure
offer-field-description = Description
offer-help-description = What it looks like, its size, its condition.
offer-field-maker = Who made it, if you know
offer-help-maker = A name, a pseudonym, or “unknown”. Leave empty if making it could put someone at risk.
offer-sealed-legend = Sealed: only the keyholders can read this
offer-sealed-reads = Encrypted on arrival to the keyholders' keys. The server cannot read it, and neither could anyone who took the server.
offer-field-story = Your story of the object
offer-help-story = How it came to you, what it meant. Write only what you are comfortable with.
offer-field-contact = How we can reach you (optional)
offer-help-contact = An e-mail, Signal or Telegram username, or anything else. Leave empty to stay unreachable.
offer-credit-legend = How should we credit you?
offer-credit-reads = This is what the public catalogue will say about the giver, if the object is shown.
offer-credit-anonymous = Anonymous
offer-credit-pseudonym = By a pseudonym
offer-credit-name = By my name
offer-field-credit-name = Pseudonym or name for the credit
offer-help-credit-name = Only needed if you chose a pseudonym or your name. Unless you agree below that the object may be shown, the name is sealed like your contact: only the museum's keyholders can read it, on their own computers.
offer-credit-sealed = credited by name, the name is sealed
offer-field-consent = The museum may show the object and its photos publicly.
offer-photos-legend = Photos
offer-photos-reads = Museum staff can see the photos. Location, camera and time data are removed from every photo before it is stored.
offer-field-photos = Photos of the object (optional)
offer-help-photos = Up to { $n } photos, { $mb } MB each, in JPEG, PNG or WebP. HEIC photos from iPhones cannot be read here: choose Most Compatible in the camera settings, or send a screenshot.
offer-photos-again = For your safety the photos you chose were not kept. Please choose them again.
offer-receipt-legend = Receipt
offer-field-receipt = Give me a receipt code to check this offer and read the museum's replies.
offer-help-receipt = The code is shown once. Anyone who finds it can read the replies, so keep it somewhere safe, or do not ask for one.
offer-submit = Send the offer
offer-status-link = Already offered something? Check it with your receipt code.
offer-error-title-missing = Please say in a few words what the object is.
offer-error-too-long = This is too long: at most { $n } characters.
offer-error-choose = Please choose one of the options.
offer-error-credit-name = Please write the pseudonym or name to credit, or choose “Anonymous”.
offer-error-expired = The form had expired. Nothing was stored. Please check what you wrote and send it again.
offer-error-sent = This form was already sent once, and that sending has most likely arrived: please do not send the same object again. If a receipt code was shown then, it cannot be shown again.

thanks-title = Thank you
thanks-lead = Your offer has reached the museum. A curator will look at it soon.
thanks-entry = It was registered as entry { $entry }.
thanks-receipt-heading = Your receipt code
thanks-receipt-once = Write it down now: it will not be shown again, and the museum cannot recover it.
thanks-receipt-risk = Anyone who finds this code can see the offer's state and the museum's replies. Keep it where nobody else looks.

status-title = Check an offer
status-lead = Enter the receipt code you were given to see your offer's state and the museum's replies.
status-field-receipt = Receipt code
status-submit = Check
status-state-heading = State
status-state-waiting = Waiting for a curator.
status-state-accepted = Accepted into the museum. Thank you!
status-state-declined = The museum could not take this object.
status-replies-heading = Replies from the museum
status-no-replies = No replies yet.
status-same-shape = A mistyped code also shows “waiting” with no replies: the museum does not say which codes exist.
status-error-format = A receipt code has 16 letters and digits, like 7KQ4-M9XT-2HWP-R3CD.

role-admin = administrator
role-curator = curator
role-keyholder = keyholder
role-volunteer = volunteer
admin-nav-label = Panel
admin-offers = Offers
admin-offers-waiting = Offers waiting
admin-offers-accepted = Accepted
admin-offers-declined = Declined
admin-offers-states = Offers by state
admin-offers-none = No offers here.
admin-entry = Entry number
admin-received = Received
admin-photo = Photo
admin-photo-of = Photo of “{ $title }”
admin-photo-n = Photo { $n } of “{ $title }”
admin-no-photos = No photos.
admin-reference = Reference (for sealed bundles)
admin-state = State
admin-consent = Donor agrees to publication
admin-yes = yes
admin-no = no
admin-sealed = Story and contact
admin-sealed-help = Sealed to the keyholders; not readable on this server.
admin-receipt = Receipt
admin-receipt-yes = The donor holds a receipt; { $n } { PLURAL($n) ->
    [one] reply
   *[other] replies
} sent.
admin-receipt-no = The donor did not ask for a receipt: replies cannot reach them here.
admin-object = Object
admin-decision = Decision
admin-accept = Accept: create a draft object
admin-decline = Decline
admin-decision-help = Accepting makes a draft object under this entry number with a pseudonymous donor record. Declining deletes the photos; the sealed record stays for the keyholders.
admin-offer-decided = This offer has already been decided.
admin-reply-heading = Reply to the donor
admin-reply-label = Message
admin-reply-help = Sealed to the donor's receipt: only the donor can read it, and it is not kept readable here. Do not write anything that would endanger them if their receipt were found.
admin-reply-send = Send the reply
admin-reply-empty = The reply is empty.
admin-reply-too-long = The reply is too long.
admin-reply-no-receipt = The donor did not ask for a receipt, so a reply cannot reach them here.
admin-done-declined = The offer was declined.
admin-done-replied = The reply was sealed and stored.
admin-done-accepted = The offer was accepted: this is its draft object.
admin-bundle-legend = Download sealed records
admin-bundle-help = Downloads the sealed stories and contacts of the chosen offers, to open on your own computer with zbor contacts open. Every download is written in the audit log with your reason.
admin-bundle-reason-label = Reason for the download
admin-bundle-download = Download the sealed bundle
admin-bundle-choose = Choose
admin-bundle-pick = Choose offer { $entry }
admin-bundle-none = Choose at least one offer.
admin-bundle-reason = Please give a reason (at most 500 characters).
admin-fingerprints = Keys donors' contacts are sealed to
admin-fingerprints-help = Compare these with the keyholders' own keys. They can only be changed in the server's recipients file, never through the web.
admin-fingerprints-none = No recipients file: the intake form is closed.
admin-internal-notes = Internal notes
admin-public = public
admin-private = private

admin-objects = Objects
admin-object-new = New object
admin-objects-search = Words in a title, or a number
admin-all = All
admin-objects-count = { $n } { PLURAL($n) ->
    [one] object
   *[other] objects
}
admin-title = Title
admin-updated = Changed
admin-objects-none = No objects match.
admin-accession-on-publish = not accessioned yet (publishing accessions it)
admin-preview = Preview the public page
admin-publish = Publish
admin-withdraw = Withdraw from the catalogue
admin-volunteer-note = Volunteers prepare drafts; a curator publishes them.
admin-volunteer-locked = This object is public: only curators may change it.
admin-image-pending = Being prepared…
admin-image-failed = This image could not be prepared.
admin-primary = Main image
admin-done-created = The object was created as a draft.
admin-done-saved = Saved.
admin-done-published = Published: the object is in the public catalogue.
admin-done-withdrawn = Withdrawn from the public catalogue.
admin-done-uploaded = The photos were received; their sizes are being prepared.
admin-done-photo = The photo was updated.
admin-done-provenance = The provenance was updated.
edit-has-errors = Some fields need attention; they are marked below. Nothing was saved yet.
edit-heading-object = The object
edit-materials = Materials and technique
edit-dimensions = Dimensions
edit-parts = Number of parts
edit-date = Date of the object
edit-date-qualifier = How certain
edit-date-earliest = Year (or from)
edit-date-latest = Until year
edit-links = Makers and events
edit-heading-private = Private unless opened
edit-private-help = These fields stay private until you tick their box. Internal notes are never public.
edit-inscription = Inscription
edit-inscription-public = Show the inscription publicly
edit-acquisition = Acquisition and ownership
edit-acquisition-method = How the museum acquired it
edit-not-set = Not set
edit-acquired-on = Date of acquisition
edit-owner = Owner
edit-rights = Rights statement
edit-rights-help = What others may do with the object's images and data: shown on its page and carried into IIIF and every open-data format. A photo can have its own.
edit-rights-collection = The collection's statement
edit-photo-rights = Rights of this photo
edit-rights-object = The object's statement
edit-acquisition-public = Show the acquisition and owner publicly
edit-notes-help = For staff only; never shown publicly.
edit-save = Save
edit-create = Create the draft
edit-alt = Text alternative
edit-caption = Caption
edit-photo-public = Show this photo publicly
edit-up = Move up
edit-down = Move down
edit-primary = Make main image
edit-remove = Remove
edit-add-photos = Add photos
edit-photos-help = Several at once; JPEG, PNG or WebP. Metadata is removed; sizes are prepared in the background.
edit-upload = Upload
edit-lot = Lot
edit-no-provenance = No provenance recorded yet.
edit-add-provenance = Add to the provenance
edit-provenance-kind = What happened
edit-exact-date = Exact day, if known
edit-event = Event (auction, exhibition…)
edit-place = Place
edit-price = Price
edit-currency = Currency
edit-party-role = Role of the party
edit-party = Party
edit-party-donor = The object's donor (as they chose to be credited)
edit-note = Note
edit-provenance-public = Show this step publicly
edit-error-choose = Please choose one of the options.
edit-error-title = Give a title in at least one language.
edit-error-too-long = This is too long.
edit-error-year = A year is four digits, between 1000 and 2200.
edit-error-year-order = The second year is before the first.
edit-error-year-missing = Give a year, or choose “Date unknown”.
edit-error-parts = The number of parts is a whole number from 1.
edit-error-date = A date is written YYYY-MM-DD.
edit-error-provenance-kind = Choose what happened.
edit-error-price = A price is a number, like 1250 or 99.50.
edit-error-currency = A currency is three letters, like EUR.
edit-error-party = That party cannot be used here.
edit-error-party-role = Say what part the party played (maker, seller, buyer…).
edit-error-back-before-exit = The date it is expected back cannot come before the date it left.
edit-error-gone = Something chosen in the form no longer exists (another curator may have just removed it). Reload the page and choose again.
edit-error-not-published = Only a published object can be withdrawn.
preview-banner = Preview: this is exactly what the public page will show once published. It is not public.

admin-users = Accounts
admin-audit = Audit log
admin-account = My account
account-changed = Your password was changed and every session ended. Sign in with the new password.
account-password-heading = Change my password
account-password-help = Changing the password ends every session of this account, on every device, this one too.
account-current = Current password
account-new = New password
account-repeat = New password again
account-change = Change the password
account-totp = Second factor (authenticator app)
account-error-repeat = The two new passwords differ.
account-error-current = The current password is not right.
account-error-length = A password needs at least { $n } characters (and at most 256).
users-role = Role
users-second-factor = Second factor
users-actions = Changes
users-disabled = disabled
users-active = active
users-set-role = Set role
users-enable = Enable
users-disable = Disable
users-reset-totp = Remove second factor
users-add = Add an account
users-initial-password = First password (they should change it)
users-done-added = The account was added.
users-done-changed = The account was changed; its sessions ended.
users-error-username = A username has 2 to 64 letters, digits, dots, dashes or underscores.
users-error-exists = There is already an account with this name.
users-error-self = You cannot disable your own account or change your own role.
audit-help = Every sign-in, edit, publication, deletion, account change and sealed-bundle download, oldest entries chained to newest by hash. Nothing here can be changed.
audit-actor = Who
audit-action = Action
audit-q = Words in the target or details
audit-from = From
audit-to = Until
audit-count = { $n } { PLURAL($n) ->
    [one] entry
   *[other] entries
}
audit-when = When (UTC)
audit-target = Target
audit-details = Details

admin-authorities = Authorities
authorities-makers = Makers
authorities-organisations = Organisations
authorities-places = Places
authorities-events = Events
authorities-types = Object types
authority-kind = Kind
authority-name-be = Name in Belarusian
authority-name-en = Name in English
authority-name-ru = Name in Russian
authority-bio-be = About, in Belarusian
authority-bio-en = About, in English
authority-bio-ru = About, in Russian
authority-description-be = Description in Belarusian
authority-description-en = Description in English
authority-description-ru = Description in Russian
authority-private-notes = Private notes
authority-starts-on = Starts (YYYY, YYYY-MM or YYYY-MM-DD)
authority-ends-on = Ends (YYYY, YYYY-MM or YYYY-MM-DD)
authority-place = Place
authority-organisation = Organiser
authority-error-date = Write a date as YYYY, YYYY-MM or YYYY-MM-DD.
authority-error-name = Give a name in at least one language.
authority-code = Code in web addresses (a–z, 0–9 and -)
authority-code-help = Appears in addresses such as /objects?type=flag, so it is set once and never changes.
authority-error-code = Use 1 to 40 lower-case Latin letters, digits or hyphens.
authority-error-code-taken = Another one already has this code.
authority-error-name-each = Give the name in this language too: types are shown in all three.
authority-uses = used { $n } { PLURAL($n) ->
    [one] time
   *[other] times
}
authority-none = None yet.
authority-new = Add a new one
authority-edit = Edit
authority-create = Add
authority-locked = Changing an existing authority can change published pages: ask a curator.
authority-done-created = Added.
authority-done-saved = Saved.

admin-locations = Storage
locations-help = Where objects are kept. Never public.
location-name = Location
location-notes = Notes
location-objects = Objects there now
location-error-name = Give the location a name (at most 200 characters).
location-error-exists = There is already a location with this name.
location-heading = Location and movement
location-private = Private: never shown publicly.
location-current = Now at
location-normal = Normal place
location-history = Moves
location-move = Record a move
location-moved-on = Date
location-reason = Why
location-is-normal = This is its normal place
location-add-first = Add a storage location first
exit-heading = Exits
exit-record = Record an exit
exit-kind = Kind of exit
exit-on = Date
exit-expected-back = expected back
exit-return = Returned to its owner
exit-loan_out = Lent out
exit-disposal = Disposed of
admin-done-moved = The move was recorded.
admin-done-exit = The exit was recorded.

admin-recent = Recently changed
edit-add-authority = Not in the list? Add a maker, an event or an object type in Authorities (opens in a new tab), then reload this page.
edit-error-consent = The donor did not agree to publication. Publish only after they agreed since, and tick the box to say so (it is written in the audit log).
edit-consent-confirm = The donor has since agreed to publication
edit-add-authority-below = Not in the list? Add a maker, an event or an object type below: it is given to this object at once.
edit-new-links = New maker, event or type
edit-new-maker = A new maker for this object
edit-new-maker-add = Add the maker and link it
edit-new-event = A new event for this object
edit-new-event-add = Add the event and link it
edit-new-type = A new type for this object
edit-new-type-add = Add the type and give it to this object
totp-start = Set up a second factor
admin-delete-heading = Delete this offer
admin-delete-help = For spam and mistakes: the offer, its photos and the donor's sealed record are removed for good; the audit log keeps only its entry number.
admin-delete = Delete for good
admin-delete-confirm = I understand: the offer, its photos and the sealed record cannot be brought back.
admin-delete-unconfirmed = Nothing was deleted: tick the box to confirm that the offer goes for good.
admin-offer-accepted-kept = An accepted offer stays in the register of entries; its sealed record goes after the retention period.
admin-done-deleted = The offer was deleted.
admin-answers = Answers from the donor
admin-answers-count = { $n } sealed, for the keyholders' next bundle
status-field-answer = Your answer to the museum (optional)
status-help-answer = Answer a curator's question here, with your receipt code above. It is sealed like your story: only the museum's keyholders can read it, on their own computers.
status-answer-sent = Your answer was sealed and sent.
upload-busy = The museum is receiving many photos right now. Please try again in a few minutes.

## The static mirror (zbor export-site)
mirror-choose-language = Read the catalogue in English
mirror-search-heading = Search this copy of the catalogue
mirror-search-intro = This copy of the catalogue is searched in your browser, by titles, makers, events and years. Without JavaScript, browse the objects by type, maker, event or year instead.
mirror-search-found = Objects found:
mirror-search-none = Nothing found. Try fewer or shorter words, or browse by type, maker, event or year.
# Redaction
redact-link = Redact faces and names…
redact-count = regions redacted: { $n }
redact-suggested-count = Suggested faces to review: { $n }
redact-title = Redact photo { $n } of { $title }
redact-help = Mark every face, name, number or plate that must not be seen. Each region is destroyed in the pixels of every public size of this photo (a flat fill, or coarse blocks for faces); the original stays private, and staff see it here with the regions outlined.
redact-done = The regions are saved. The public sizes are being made again; the old ones are gone.
redact-master-alt = Photo { $n } of { $title }, the original, with the regions outlined
redact-master-caption = The original, { $w } × { $h } pixels.
redact-draw-help = Drag over the photo to fill in the numbers, then add the region.
redact-add = Add a region
redact-add-button = Add the region
redact-shape = Shape
redact-shape-rect = Rectangle
redact-shape-ellipse = Ellipse
redact-kind = What it hides
redact-kind-face = A face
redact-kind-text = A name or text
redact-kind-plate = A number plate
redact-kind-other = Something else
redact-method = How
redact-method-help = Coarse blocks are for faces only; text is always filled, because blurred or pixelated text can be read back.
redact-method-fill = Flat fill
redact-method-pixelate = Coarse blocks (faces)
redact-coordinates-help = In pixels of the original ({ $w } × { $h }): left edge, top edge, width and height.
redact-field-x = Left (x)
redact-field-y = Top (y)
redact-field-w = Width
redact-field-h = Height
redact-regions = Regions
redact-where = Where
redact-actions = Actions
redact-suggested = Suggested, not reviewed
redact-reviewed = Marked
redact-accept = Accept
redact-none = No regions yet: the public sizes show the whole photo.
redact-public = What the public sees
redact-public-alt = Photo { $n } of { $title } as the public sees it, redacted
redact-error-unknown = That region could not be read: choose a shape, what it hides and a method, and give four whole numbers.
redact-error-outside = The region must lie inside the photo and be at least one pixel wide and high.
redact-error-pixelate = Only faces may be covered with blocks; names, text and plates are always filled.
edit-photos-checked = I checked every photo for faces, names and numbers and marked what must be hidden (this is written in the audit log)
edit-photo-checked = I checked this photo for faces, names and numbers
edit-error-photos-check = This object shows people, or has suggested faces nobody reviewed. Check its photos, mark what must be hidden, and tick the box to say so.
authority-shows-people = Its objects show people
authority-shows-people-0 = No
authority-shows-people-1 = Yes: publishing asks for the photos to be checked for faces and names
redact-error-too-many = This photo has as many regions as it may have (200). Remove some, or cover several faces with one larger region.
redact-public-warning = This photo is public. Redacting it replaces every size this server shows at once, but copies others kept before (browsers, aggregators, mirrors you published) are not recalled: ask them to remove or refresh it.

## The registrar's procedures
admin-register = Register
admin-done-accessioned = The object was accessioned: its number is in the register.
admin-done-deaccessioned = The object was deaccessioned. Its number stays in the register, marked.
admin-done-condition = The condition report was recorded.
admin-done-valuation = The value was recorded.
register-heading = Accession register
register-private = The register, condition reports and values are private: they never appear on public pages or in open data.
register-accessioned-on = Accessioned on
register-method = Method of acquisition
register-authority = Deciding authority
register-authority-help = Who decided, and where it is written down (for example, “Acquisitions committee, minutes of 12 March 2026”).
register-deaccessioned = Deaccessioned
register-reason = Reason
register-deaccession-authority = Authority for the deaccession
register-deaccession = Deaccession this object
register-deaccession-help = The accession number is never given again; it stays in the register marked as deaccessioned. A published object is withdrawn and can never be published again.
register-date = Date
register-disposal = Method of disposal
register-not-accessioned = Not accessioned: the object is not part of the collection yet. Accessioning and publishing are separate acts; an object can be accessioned and never published.
register-accession = Accession into the collection
register-page-help = Every accession number ever given, in order. Numbers are never reused; deaccessioned objects keep theirs, marked.
register-csv = Download the register (CSV)
register-status = Status
register-empty = No object has been accessioned yet.
register-error-accessioned = This object is already accessioned; its number cannot change.
register-error-not-accessioned = Only an accessioned object can be deaccessioned.
register-error-deaccessioned = This object was deaccessioned: it cannot be published or deaccessioned again.
register-error-future = The date cannot be in the future.
register-error-before-accession = A deaccession cannot be dated before the accession.
register-error-reason = Give the reason (up to 2000 characters).
register-error-authority = Name the deciding authority (up to 2000 characters).
disposal-return = Returned to its owner
disposal-transfer = Transferred to another institution
disposal-sale = Sold
disposal-exchange = Exchanged
disposal-destruction = Destroyed
disposal-loss = Lost or stolen
disposal-other = Other
condition-heading = Condition
condition-current = Current condition
condition-never = never checked
condition-good = Good
condition-fair = Fair
condition-poor = Poor
condition-unacceptable = Unacceptable
condition-checked-by = checked by
condition-photo-alt = Condition photo { $n }, report of
condition-add = Record a condition report
condition-checked-on = Checked on
condition-label = Condition
condition-notes = Notes
condition-photos = Photos (optional)
condition-photos-help = Cleaned of all metadata like every image, and never public.
valuation-heading = Valuation
valuation-private = Values are seen only by curators, keyholders and admins, and never leave the panel.
valuation-on = Valued on
valuation-amount = Amount
valuation-purpose = Purpose
valuation-by = Recorded by
valuation-none = No value recorded.
valuation-add = Record a value
valuation-insurance = Insurance
valuation-acquisition = Acquisition
valuation-market = Market value
history-link = History
history-heading = History
history-help = Every recorded change of this object, oldest first, with old and new values, from the audit log.
history-empty = Nothing recorded yet.

# Inventory (stocktakes)
admin-stocktakes = Inventory
stocktake-help = A stocktake lists the objects the records put in one location. Tick what you find, add anything you find there that is recorded elsewhere, and close it to report what is missing and what is out of place. Locations and stocktakes are never public.
stocktake-started = Started
stocktake-closed = Closed
stocktake-expected = Expected
stocktake-found = Found
stocktake-missing = Missing
stocktake-out-of-place = Out of place
stocktake-open = open
stocktake-none = No stocktake yet.
stocktake-start = Start a stocktake
stocktake-note = Note
stocktake-heading = Stocktake: { $location }
stocktake-done-started = Stocktake started: the list holds every object recorded here.
stocktake-done-ticked = Saved.
stocktake-done-closed = Stocktake closed.
stocktake-csv = Download the report (CSV)
stocktake-status = Status
stocktake-recorded-at = Recorded location
stocktake-item-found = found
stocktake-item-missing = missing
stocktake-item-out-of-place = found here, recorded elsewhere
stocktake-item-not-found = added, then not found
stocktake-empty = No object is recorded here.
stocktake-number = Found something not on the list? Its number
stocktake-number-help = The accession or entry number on its label.
stocktake-save = Save what was found
stocktake-close = Close the stocktake
stocktake-close-help = What was found becomes final; objects not ticked are reported missing.
stocktake-error-open = This location already has an open stocktake: finish that one first.
stocktake-error-unknown = No object has that number.
stocktake-error-closed = This stocktake is closed; nothing was changed.
stocktake-error-before-start = A stocktake cannot close before it started.

# Batch editing
batch-done = Batch change saved. Objects changed: { $n }. Each one's history shows it.
batch-select = Select
batch-legend = Change the selected objects
batch-help = Tick objects in the list, or every result of this search, choose one change and preview it: nothing changes until you confirm. Objects a rule refuses (a donor's consent or photos to check, a deaccession) are named and left as they are.
batch-all = Every result of this search ({ $n })
batch-change-type = Set the type
batch-change-event = Link an event
batch-change-maker = Credit a maker
batch-change-location = Move to a location
batch-change-rights = Set the rights statement
batch-change-stocktake = Add to an open stocktake
batch-change-publish = Publish
batch-change-withdraw = Withdraw from the catalogue
batch-preview = Preview the change
batch-heading = Batch change: preview
batch-back = Back to the list, changing nothing
batch-summary = Objects that will change: { $n } of { $total }.
batch-result = What will happen
batch-will-change = will change
batch-no-change = already so: no change
batch-refused = left as it is
batch-confirm = Change { $n } now
batch-error-none = Tick at least one object, or every result of the search.
batch-error-too-many = Too many objects for one batch: narrow the search.
batch-error-change = Choose which change to make.
batch-error-not-allowed = your role may not change it
batch-error-not-found = it no longer exists

# Loans
admin-loans = Loans
loans-help = Loans in and out: with an organisation, for an exhibition, under an agreement. Sending and receiving record the objects' exits and moves; a loan out asks for a condition report of every object when it leaves and when it is back. Loans are never public, though an object on loan out may stay in the catalogue.
loans-none = No loan yet.
loans-active = Loans under way
loan-direction = Direction
loan-direction-in = Loan in
loan-direction-out = Loan out
loan-status = Status
loan-status-requested = requested
loan-status-agreed = agreed
loan-status-active = under way
loan-status-returned = returned
loan-status-cancelled = cancelled
loan-organisation = Lender or borrower
loan-purpose = Purpose (exhibition)
loan-reference = Agreement reference
loan-dates = Agreed dates
loan-starts-on = From
loan-ends-on = Until (due back)
loan-until = until
loan-insurance = Insurance value
loan-currency = Currency (ISO code)
loan-conditions = Conditions of display
loan-objects = Objects
loan-objects-n = Objects: { $n }
loan-overdue = overdue
loan-new = A new loan
loan-create = Record the loan
loan-need-organisation = Add the lender or borrower as an organisation first
loan-sent-on-out = Left the museum
loan-sent-on-in = Arrived
loan-returned-on = Returned
loan-created = Recorded
loan-last-condition = Latest condition report
loan-no-objects = No object on this loan yet.
loan-add-object = Add an object by its number
loan-add = Add
loan-add-help = Or tick objects in the object list and choose "Put on a loan".
loan-next = Next step
loan-condition-help = Every object needs a condition report made since the loan was recorded before it leaves, and a newer one before its return is recorded.
loan-step-agree = The agreement is signed
loan-step-date = Date
loan-step-location = To the location
loan-step-send-out = The objects leave
loan-step-send-in = The objects arrived
loan-step-return-out = The objects are back
loan-step-return-in = The objects went back to the lender
loan-step-cancel = Cancel the loan
loan-done-created = Loan recorded. Add its objects.
loan-done-added = Object added.
loan-done-agreed = Agreement recorded.
loan-done-sent = Recorded, with each object's exit or move.
loan-done-returned = Return recorded, with each object's move or exit.
loan-done-cancelled = Loan cancelled.
loan-error-dates = The dates are in the wrong order.
loan-error-started = Objects can be added only while the loan is being arranged.
loan-error-on-another = This object is already on another loan.
loan-error-step = This step does not follow from where the loan stands; nothing was changed.
loan-error-no-objects = A loan with no objects cannot start.
loan-error-condition = Each object needs a new condition report first (see the list above).
batch-change-loan = Put on a loan

# The collection as a table
csv-heading = The collection as a table (CSV)
csv-help = Download every object with every field in three languages, edit it in a spreadsheet, and send it back. Rows are matched by entry number (or accession number); only the columns in the file change, so leave out the private ones to keep them as they are. A file with any bad row changes nothing, and says which line. Check it first: nothing is written in a dry run.
csv-download = Download every object (CSV)
csv-file = The table (CSV; comma, semicolon or tab)
csv-dry-run = Only check it (a dry run: nothing is written)
csv-send = Send the table
csv-line = Line { $line }
csv-line-heading = Line
csv-what = What changes
csv-checked = Checked: no errors. Objects that would change: { $n }. Untick "Only check it" and send the file again to import it.
csv-imported = Imported. Objects changed: { $n }; each one's history shows it.
csv-has-errors = Rows with errors: { $n }. Nothing was written; correct them and send the file again.
csv-error-column = this column is not one of zbor's
csv-error-column-twice = this column is there twice
csv-error-no-key = the table needs an entry_number or accession_number column
csv-error-encoding = the file is not a UTF-8 CSV table
csv-error-cells = this line has a different number of cells than the header
csv-error-not-found = no object has this number
csv-error-twice = this object is in the table twice
csv-error-rows = Some rows have errors: nothing was written.
csv-error-no-file = Choose the CSV file to send.
csv-error-numbers = its accession number is not that of the object with this entry number
