"""Demo data: the cooperative "Handwerkszirkel Dortmund" and the design's worked example.

Plain data only (standard library, no database, no services), so that the demo seed, the
tests and the docs can share it. Money and quantities are ``Decimal``; prices are net euros
with at most 4 decimal places, quantities and pack sizes have at most 3. Offers and needs
refer to their supplier or member by its 0-based position in the same cooperative's
``suppliers`` or ``members`` tuple, and to their product by SKU.

``DEMO`` (and its parts ``MEMBERS``, ``SUPPLIERS``, ``PRODUCTS``, ``OFFERS``, ``NEEDS``) is
the demo installation; ``WORKED_EXAMPLE`` is the worked example of the pricing spec in
``design.md``, whose expected figures the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

TRADES: tuple[str, ...] = (
    "painter", "mason", "carpenter", "electrician", "locksmith", "roofer", "tiler",
    "plumber",  # plumbing and heating fitters (SHK)
)  # fmt: skip
UNITS: tuple[str, ...] = (
    "Stk", "Eimer", "Kartusche", "Sack", "Ring", "m", "m²", "kg", "Rolle", "Platte", "Paket",
)  # fmt: skip

Tier = tuple[Decimal, Decimal]
"""One all-units price tier: (min_quantity, unit_price)."""


@dataclass(frozen=True)
class Member:
    name: str
    trade: str  # one of TRADES
    email: str
    postcode: str
    invoice: InvoiceAddress | None = None


@dataclass(frozen=True)
class InvoiceAddress:
    """What a member's invoice and SEPA mandate need; test numbers whose check digits match."""

    street: str
    city: str = "Dortmund"
    legal_name: str | None = None  # None: the member's name
    vat_id: str | None = None
    iban: str | None = None
    mandate_reference: str | None = None  # with the IBAN: the member pays by direct debit
    mandate_signed_on: date | None = None


@dataclass(frozen=True)
class Supplier:
    name: str
    email: str
    shipping_fee: Decimal
    free_shipping_from: Decimal | None  # None: shipping is never free


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    unit: str  # one of UNITS
    trades: tuple[str, ...]  # trades that typically use it
    vat_rate: Decimal = Decimal("19")  # percent (rule 12): 19, 7 or 0


@dataclass(frozen=True)
class Offer:
    supplier_index: int  # position in the cooperative's suppliers
    sku: str
    pack_size: Decimal
    tiers: tuple[Tier, ...]  # ascending min_quantity, the first one 0


@dataclass(frozen=True)
class Need:
    member_index: int  # position in the cooperative's members
    sku: str
    quantity: Decimal
    delivery_site: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Cooperative:
    name: str
    members: tuple[Member, ...]
    suppliers: tuple[Supplier, ...]
    products: tuple[Product, ...]
    offers: tuple[Offer, ...]
    needs: tuple[Need, ...]


def _offer(supplier_index: int, sku: str, pack_size: str, tiers: str) -> Offer:
    """Offer from a compact tier text: "0:42.00 10:38.00" means 0→42.00, 10→38.00."""
    pairs = (step.split(":") for step in tiers.split())
    return Offer(
        supplier_index, sku, Decimal(pack_size), tuple((Decimal(q), Decimal(p)) for q, p in pairs)
    )


def _product(sku: str, name: str, unit: str, trades: str) -> Product:
    return Product(sku, name, unit, tuple(trades.split()))


def _need(
    member_index: int, sku: str, quantity: str, site: str | None = None, note: str | None = None
) -> Need:
    return Need(member_index, sku, Decimal(quantity), site, note)


# Shared by the demo and the worked example, so the two always name them alike.
DISPERSION = Product("DISP-10L", "Dispersionsfarbe weiß, 10 l Eimer", "Eimer", ("painter",))
SILICONE = Product(
    "SIL-300",
    "Sanitärsilikon transparent, 300 ml Kartusche",
    "Kartusche",
    ("painter", "tiler", "plumber"),
)

# --- Handwerkszirkel Dortmund -------------------------------------------------------------


def _invoice(
    street: str,
    vat_id: str | None,
    iban: str | None,
    mandate: str | None = None,
    legal_name: str | None = None,
) -> InvoiceAddress:
    """A Dortmund address; a mandate ``"ZK-M-0001 2025-01-15"`` is reference and day."""
    reference, _, signed_on = (mandate or "").partition(" ")
    return InvoiceAddress(
        street,
        legal_name=legal_name,
        vat_id=vat_id,
        iban=iban,
        mandate_reference=reference or None,
        mandate_signed_on=date.fromisoformat(signed_on) if signed_on else None,
    )


MEMBERS: tuple[Member, ...] = (
    Member(
        "Malerbetrieb Kowalski GmbH", "painter", "info@kowalski-maler.example", "44139",
        _invoice("Hohe Straße 31", "DE814273650", "DE69440501990104567891",
                 "ZK-M-0001 2025-01-15"),
    ),
    Member(
        "Malerwerkstatt Brinkmann & Sohn", "painter", "buero@brinkmann-maler.example", "44289",
        _invoice("Aplerbecker Marktplatz 4", "DE293184571", "DE36441600142200345678",
                 "ZK-M-0002 2025-01-20", "Malerwerkstatt Brinkmann & Sohn OHG"),
    ),
    Member(
        "Maurerbetrieb Schulte-Wiemann GmbH", "mason", "info@schulte-wiemann.example", "44329",
        _invoice("Asselner Hellweg 112", "DE365841290", "DE38440100463300456789",
                 "ZK-M-0003 2025-02-03"),
    ),
    Member(
        "Zimmerei Hoffmann Holzbau", "carpenter", "info@hoffmann-holzbau.example", "44267",
        _invoice("Benninghofer Straße 5", "DE471269536", "DE54440501994400567890",
                 "ZK-M-0004 2025-02-10", "Zimmerei Hoffmann Holzbau e.K."),
    ),
    Member(
        "Elektro Yilmaz", "electrician", "info@elektro-yilmaz.example", "44145",
        _invoice("Bornstraße 88", None, "DE53441600145500678901", None,
                 "Elektro Yilmaz, Inh. Mehmet Yilmaz"),
    ),
    Member(
        "Elektro Becker GmbH & Co. KG", "electrician", "info@becker-elektro.example", "44379",
        _invoice("Provinzialstraße 301", "DE582736418", "DE89440100466600789012",
                 "ZK-M-0006 2025-03-01"),
    ),
    Member(
        "Schlosserei Nowak Metallbau", "locksmith", "info@nowak-metallbau.example", "44369",
        _invoice("Mengeder Straße 240", "DE194627384", None, None,
                 "Schlosserei Nowak Metallbau GmbH"),
    ),
    Member(
        "Dachdeckerei Krämer GmbH", "roofer", "mail@kraemer-dach.example", "44309",
        _invoice("Brackeler Hellweg 95", "DE648193573", "DE78440501997700890123",
                 "ZK-M-0008 2025-03-17"),
    ),
    Member(
        "Fliesen Demir", "tiler", "info@fliesen-demir.example", "44147",
        _invoice("Mallinckrodtstraße 210", None, "DE98441600148800901234",
                 "ZK-M-0009 2025-04-02", "Fliesen Demir, Inh. Aylin Demir"),
    ),
    Member(
        "Fliesenfachbetrieb Wagner", "tiler", "post@wagner-fliesen.example", "44229",
        _invoice("Hainallee 40", "DE732951845", "DE03440100469901012345",
                 "ZK-M-0010 2025-04-14", "Fliesenfachbetrieb Wagner e.K."),
    ),
    Member(
        "Schäfer Haustechnik GmbH", "plumber", "info@schaefer-haustechnik.example", "44265",
        _invoice("Wittbräucker Straße 22", "DE926374151", "DE96440501991102123456",
                 "ZK-M-0011 2025-05-05"),
    ),
    Member(
        "Heizung & Sanitär Papadopoulos", "plumber", "info@papadopoulos-shk.example", "44357",
        _invoice("Evinger Straße 140", None, None, None,
                 "Heizung & Sanitär Papadopoulos, Inh. Nikos Papadopoulos"),
    ),
)  # fmt: skip

SUPPLIERS: tuple[Supplier, ...] = (
    Supplier(
        "Baustoffhandel Westfalen GmbH",
        "bestellung@baustoffe-westfalen.example",
        Decimal("25.00"),
        Decimal("500.00"),
    ),
    Supplier(
        "Ruhrtal Baufachhandel KG",
        "auftrag@ruhrtal-bau.example",
        Decimal("19.00"),
        Decimal("300.00"),
    ),
    Supplier(
        "Emscher Haustechnik-Großhandel GmbH",
        "orders@emscher-grosshandel.example",
        Decimal("39.00"),
        None,
    ),
)

PRODUCTS: tuple[Product, ...] = (
    DISPERSION,
    _product("TIEFG-10L", "Tiefgrund lösemittelfrei, 10 l Eimer", "Eimer", "painter tiler mason"),
    _product("KREPP-50", "Malerkrepp 50 mm x 50 m", "Rolle", "painter tiler"),
    _product("ACRYL-310", "Maleracryl weiß, 310 ml Kartusche", "Kartusche", "painter carpenter"),
    SILICONE,
    _product("ZEM-25", "Zement CEM II/A-LL 42,5 R, 25 kg Sack", "Sack", "mason tiler"),
    _product("MOER-40", "Mauermörtel MG IIa, 40 kg Sack", "Sack", "mason"),
    _product("KS-2DF", "Kalksandstein KS 12-2,0 2DF, 240x115x113 mm", "Stk", "mason"),
    _product(
        "PU-750",
        "PU-Montageschaum B2, 750 ml Dose",
        "Stk",
        "mason carpenter locksmith roofer plumber",
    ),
    _product("GKB-125", "Gipskartonplatte 12,5 mm 1250x2000", "Platte", "carpenter painter"),
    _product(
        "KVH-6012", "Konstruktionsvollholz KVH Fichte 60x120 mm, NSi", "m", "carpenter roofer"
    ),
    _product("OSB-18", "OSB/3-Platte 18 mm 2500x1250, N+F", "Platte", "carpenter roofer"),
    _product(
        "SCHR-6120",
        "Holzbauschrauben 6x120 mm Tellerkopf, verzinkt, 100 Stk",
        "Paket",
        "carpenter roofer",
    ),
    _product("NYM-3X15", "Mantelleitung NYM-J 3x1,5 mm², 100 m Ring", "Ring", "electrician"),
    _product("NYM-5X25", "Mantelleitung NYM-J 5x2,5 mm², 50 m Ring", "Ring", "electrician"),
    _product("UPD-68", "Unterputz-Gerätedose 68 mm tief, 25 Stk", "Paket", "electrician"),
    _product("LS-B16", "Leitungsschutzschalter B16, 1-polig, 6 kA", "Stk", "electrician"),
    _product("FLST-405", "Flachstahl S235JR blank 40x5 mm, 6-m-Stab", "m", "locksmith"),
    _product("SG2-10", "MAG-Schweißdraht G3Si1 (SG2) 1,0 mm, 15-kg-Spule", "kg", "locksmith"),
    _product(
        "TS-125",
        "Trennscheibe Metall/Inox 125 x 1,0 mm",
        "Stk",
        "locksmith mason electrician roofer plumber",
    ),
    _product(
        "UDB-75", "Unterdeckbahn diffusionsoffen 1,5 x 50 m (75 m²)", "Rolle", "roofer carpenter"
    ),
    _product("PYE-S5", "Elastomerbitumen-Schweißbahn PYE PV 200 S5, 5 m² Rolle", "Rolle", "roofer"),
    _product("LATT-3050", "Dachlatte 30x50 mm imprägniert, 4 m", "m", "roofer carpenter"),
    _product("FLX-25KG", "Fliesenkleber flexibel C2TE, 25 kg", "Sack", "tiler"),
    _product("FUG-5KG", "Flexfugenmörtel CG2 WA silbergrau, 5 kg Eimer", "Eimer", "tiler"),
    _product("FSZ-6060", "Feinsteinzeug 60x60 cm grau matt R10, Paket 1,44 m²", "m²", "tiler"),
    _product("DICHT-7", "Flüssigabdichtung für Nassräume, 7 kg Eimer", "Eimer", "tiler plumber"),
    _product("MVR-16", "Mehrschichtverbundrohr 16x2,0 mm, 100 m Ring", "Ring", "plumber"),
    _product("CU-15", "Kupferrohr 15x1 mm halbhart, 5-m-Stange", "m", "plumber"),
    _product("HT-50", "HT-Abflussrohr DN 50, 1000 mm", "Stk", "plumber"),
)

OFFERS: tuple[Offer, ...] = (
    _offer(0, "DISP-10L", "1", "0:39.90 10:36.50 25:33.20"),
    _offer(1, "DISP-10L", "1", "0:41.50 20:35.90"),
    _offer(0, "TIEFG-10L", "1", "0:24.90 10:22.40"),
    _offer(1, "TIEFG-10L", "1", "0:23.50 20:21.80"),
    _offer(0, "KREPP-50", "24", "0:3.95 48:3.40 144:2.95"),
    _offer(2, "KREPP-50", "1", "0:4.60 50:3.90"),
    _offer(0, "ACRYL-310", "20", "0:2.85 100:2.45 200:2.15"),
    _offer(1, "ACRYL-310", "12", "0:3.10 96:2.60"),
    _offer(0, "SIL-300", "12", "0:4.50 120:3.85 240:3.45"),
    _offer(2, "SIL-300", "20", "0:4.95 100:4.10"),
    _offer(0, "ZEM-25", "1", "0:7.90 40:6.95 200:6.10"),
    _offer(1, "ZEM-25", "1", "0:8.40 50:7.20"),
    _offer(0, "MOER-40", "1", "0:8.90 35:7.80"),
    _offer(1, "MOER-40", "1", "0:9.40 30:8.20 105:7.40"),
    _offer(0, "KS-2DF", "1", "0:1.35 500:1.18 1000:1.05"),
    _offer(0, "PU-750", "12", "0:7.80 48:6.90"),
    _offer(1, "PU-750", "1", "0:8.60 24:7.40 72:6.80"),
    _offer(2, "PU-750", "12", "0:8.20 60:7.10"),
    _offer(0, "GKB-125", "1", "0:9.20 50:8.10 150:7.40"),
    _offer(1, "GKB-125", "1", "0:9.60 60:7.90"),
    _offer(0, "KVH-6012", "1", "0:5.60 100:4.95 300:4.55"),
    _offer(0, "OSB-18", "1", "0:27.90 20:25.40 50:23.80"),
    _offer(1, "OSB-18", "1", "0:28.50 40:24.90"),
    _offer(0, "SCHR-6120", "1", "0:16.90 10:14.90"),
    _offer(2, "SCHR-6120", "1", "0:17.50 20:14.20"),
    _offer(2, "NYM-3X15", "1", "0:72.00 5:66.50 20:61.90"),
    _offer(1, "NYM-3X15", "1", "0:74.50 10:64.80"),
    _offer(2, "NYM-5X25", "1", "0:128.00 5:118.50 15:112.00"),
    _offer(2, "UPD-68", "1", "0:9.80 10:8.60 40:7.90"),
    _offer(1, "UPD-68", "1", "0:10.40 20:8.90"),
    _offer(2, "LS-B16", "12", "0:4.60 60:3.95 120:3.60"),
    _offer(0, "FLST-405", "6", "0:3.40 120:2.95"),
    _offer(1, "FLST-405", "6", "0:3.25 60:3.05 240:2.80"),
    _offer(1, "SG2-10", "15", "0:3.60 60:3.20 150:2.95"),
    _offer(0, "TS-125", "25", "0:1.45 100:1.19 250:0.98"),
    _offer(2, "TS-125", "10", "0:1.59 50:1.29"),
    _offer(0, "UDB-75", "1", "0:98.00 10:89.00 30:84.50"),
    _offer(1, "UDB-75", "1", "0:94.50 20:86.00"),
    _offer(0, "PYE-S5", "1", "0:52.80 24:47.90"),
    _offer(0, "LATT-3050", "4", "0:1.05 400:0.92 1000:0.84"),
    _offer(1, "LATT-3050", "4", "0:1.12 500:0.89"),
    _offer(0, "FLX-25KG", "1", "0:21.50 20:19.40 42:17.90"),
    _offer(1, "FLX-25KG", "1", "0:22.90 40:18.60"),
    _offer(2, "FLX-25KG", "1", "0:23.40 25:20.10"),
    _offer(0, "FUG-5KG", "4", "0:14.40 24:12.60 48:11.80"),
    _offer(1, "FUG-5KG", "1", "0:13.90 20:12.20"),
    _offer(1, "FSZ-6060", "1.44", "0:24.90 50:22.50 100:20.90"),
    _offer(0, "FSZ-6060", "1.44", "0:26.50 72:21.90"),
    _offer(1, "DICHT-7", "1", "0:46.90 10:42.50"),
    _offer(2, "DICHT-7", "1", "0:48.50 6:44.80 20:41.20"),
    _offer(2, "MVR-16", "1", "0:149.00 5:136.00 10:128.50"),
    _offer(1, "MVR-16", "1", "0:154.00 8:132.00"),
    _offer(2, "CU-15", "5", "0:9.40 50:8.55 100:8.10"),
    _offer(1, "CU-15", "5", "0:9.80 75:8.30"),
    _offer(2, "HT-50", "1", "0:3.20 20:2.75 60:2.45"),
    _offer(0, "HT-50", "1", "0:3.45 40:2.60"),
)

NEEDS: tuple[Need, ...] = (
    _need(0, "DISP-10L", "16", "Baustelle Hohe Straße 12", "Treppenhaus, 4 Etagen"),
    _need(1, "DISP-10L", "9", "Baustelle Hörder Bahnhofstraße 7"),
    _need(0, "SIL-300", "24", "Baustelle Hohe Straße 12"),
    _need(8, "SIL-300", "48", None, "Bitte an die Werkstatt liefern"),
    _need(9, "SIL-300", "36", "Baustelle Hainallee 40", "Badsanierung, 6 Wohnungen"),
    _need(10, "SIL-300", "30"),
    _need(8, "FLX-25KG", "18", "Baustelle Mallinckrodtstraße 210"),
    _need(9, "FLX-25KG", "26", "Baustelle Hainallee 40", "Anlieferung nur vormittags"),
    _need(8, "FSZ-6060", "43.2", "Baustelle Mallinckrodtstraße 210", "Alles aus einer Charge"),
    _need(9, "FSZ-6060", "38.5", "Baustelle Hainallee 40"),
    _need(4, "NYM-3X15", "8", "Baustelle Kaiserstraße 88", "Neubau EFH, Rohinstallation"),
    _need(5, "NYM-3X15", "12", "Baustelle Provinzialstraße 301"),
    _need(4, "UPD-68", "6", "Baustelle Kaiserstraße 88"),
    _need(5, "UPD-68", "8", "Baustelle Provinzialstraße 301"),
    _need(5, "LS-B16", "36", None, "Für Verteilerumbau, Lager auffüllen"),
    _need(2, "PU-750", "12", "Baustelle Westfalendamm 166"),
    _need(3, "PU-750", "18", "Abbundhalle Benninghofer Straße 5"),
    _need(6, "PU-750", "6"),
    _need(7, "PU-750", "12", "Baustelle Brackeler Straße 95", "Dachfenster-Einbau"),
    _need(3, "OSB-18", "24", "Abbundhalle Benninghofer Straße 5"),
    _need(7, "OSB-18", "18", "Baustelle Brackeler Straße 95"),
    _need(7, "LATT-3050", "320", "Baustelle Brackeler Straße 95", "Neueindeckung ca. 110 m²"),
    _need(3, "LATT-3050", "160", "Abbundhalle Benninghofer Straße 5"),
    _need(6, "TS-125", "50", None, "Geländerbau, Edelstahl"),
    _need(2, "TS-125", "50", "Baustelle Westfalendamm 166"),
    _need(10, "CU-15", "35", "Baustelle Wittbräucker Straße 22", "Heizungstausch"),
    _need(11, "CU-15", "30", "Baustelle Evinger Straße 140"),
)

DEMO = Cooperative("Handwerkszirkel Dortmund", MEMBERS, SUPPLIERS, PRODUCTS, OFFERS, NEEDS)

# The demo's web sign-ins: every member's e-mail and the first supplier's order desk
# (Baustoffhandel Westfalen GmbH) with one password, and the office's admin.
DEMO_MEMBER_PASSWORD = "zirkel-demo"
ADMIN_EMAIL = "admin@zirkel.example"
DEMO_SUPPLIER_EMAIL = "lager@baustoffe-westfalen.example"

# --- The worked example of design.md ("Pricing and pooling rules") -------------------------
# Suppliers A and B, members m1..m4. Expected: C = 834.40 (both products at A, fee waived);
# paid m1 228.00, m2 126.00, m3 388.00, m4 58.80; members saved 206.00 in all.

WORKED_EXAMPLE = Cooperative(
    name="Worked example",
    members=(
        Member("m1", "painter", "m1@worked-example.example", "44135"),
        Member("m2", "tiler", "m2@worked-example.example", "44137"),
        Member("m3", "painter", "m3@worked-example.example", "44141"),
        Member("m4", "plumber", "m4@worked-example.example", "44143"),
    ),
    suppliers=(
        Supplier("A", "orders@supplier-a.example", Decimal("25.00"), Decimal("500.00")),
        Supplier("B", "orders@supplier-b.example", Decimal("19.00"), Decimal("300.00")),
    ),
    products=(DISPERSION, SILICONE),
    offers=(
        _offer(0, "DISP-10L", "1", "0:42.00 10:38.00 25:34.50"),
        _offer(1, "DISP-10L", "1", "0:40.00 20:37.00"),
        _offer(0, "SIL-300", "12", "0:4.20 120:3.60"),
    ),
    needs=(
        _need(0, "DISP-10L", "6"),
        _need(1, "SIL-300", "30"),
        _need(2, "DISP-10L", "8"),
        _need(2, "SIL-300", "20"),
        _need(3, "SIL-300", "14"),
    ),
)
