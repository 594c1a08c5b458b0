# English interface strings. Plural selection goes through PLURAL(), backed by ICU4X.

site-tagline = Objects of the Belarusian protests since 2020
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

type-painting = Painting
type-poster = Poster
type-flag = Flag
type-ribbon = Ribbon
type-badge = Badge
type-banner = Banner
type-clothing = Clothing
type-letter = Letter
type-photograph = Photograph
type-document = Document
type-other = Other object

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
   *[other] Something went wrong
}
error-not-found = There is nothing at this address. The object may not be published, or the link may be mistyped.
error-bad-filter = One of the filters has a value that does not exist. Remove it and try again.
error-bad-page = Page numbers are whole numbers from 1.
error-bad-query = The address has characters that could not be read.
error-internal = The museum's server could not answer. Nothing you sent was lost; please try again later.
error-back = Back to the collection

admin-login-title = Staff sign-in
admin-login-failed = The username, password or code is not right. Please try again.
admin-username = Username
admin-password = Password
admin-totp = Code from your authenticator app (if you set one up)
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
