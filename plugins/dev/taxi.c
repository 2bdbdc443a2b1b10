/* plugins/dev/taxi.c — the "taxi" preset: NYC yellow-cab trips, January 2013.
 *
 * The shape follows the trip data of the StreamSets Data Collector taxi
 * tutorial (the 2013 NYC TLC trip + fare files joined), field for field and
 * in this order:
 *
 *   seq                INT       the record number i
 *   medallion          STRING    32 uppercase hex, from a pool of 13,437 cabs
 *   hack_license       STRING    32 uppercase hex, from a pool of 42,000 drivers
 *   vendor_id          STRING    VTS or CMT
 *   payment_type       STRING    CRD 54%, CSH 45%, NOC 0.5%, DIS 0.2%, UNK 0.3%
 *   fare_amount        DECIMAL   2 places; metered: $2.50 + $0.50 per 1/5 mile
 *                                + $0.50 per slow minute; JFK flat $52
 *   surcharge          DECIMAL   $0.50 8pm-6am, $1.00 weekdays 4-8pm, else 0
 *   mta_tax            DECIMAL   $0.50
 *   tip_amount         DECIMAL   cards: 0-25% of fare + surcharge; else 0
 *   tolls_amount       DECIMAL   0, or $5.33 on about 5% of trips
 *   total_amount       DECIMAL   exactly the sum of the five above
 *   rate_code          INT       1 (97.6%), 2 JFK, 3 Newark, 4 Nassau, 5 negotiated
 *   pickup_datetime    DATETIME  January 2013 UTC, busier in the evening
 *   dropoff_datetime   DATETIME  pickup + trip_time_in_secs, still in January
 *   passenger_count    INT       1-6, mostly 1
 *   trip_time_in_secs  INT       dropoff - pickup
 *   trip_distance      DOUBLE    miles, 2 decimals
 *   pickup_longitude, pickup_latitude, dropoff_longitude, dropoff_latitude
 *                      DOUBLE    6 decimals, inside Manhattan
 *   credit_card        STRING    16 Luhn-valid digits for CRD, else NULL
 *   credit_card_type   STRING    from the prefix: 4 Visa; 51-55 MasterCard;
 *                                34, 37 AMEX; 6011, 65 Discover; "n/a" without card
 *
 * Money is computed in integer cents and handed over as DECIMAL(scale 2),
 * so total_amount is the exact sum.
 *
 * Corrupted records (each record with probability corrupt_fraction, one of
 * three kinds chosen evenly), there to exercise error handling downstream:
 *   (a) payment_type CRD but credit_card NULL and credit_card_type "n/a":
 *       fails a precondition such as
 *       ${record:value('/payment_type') != 'CRD' || record:value('/credit_card') != null}
 *       and, unguarded, partitions on "n/a".
 *   (b) pickup_datetime a malformed STRING "2013-01-3D 2H:6M:SS" (day 32-39,
 *       hour 25-29, minute 60-69): fails wherever it is converted to a
 *       datetime (a SQL sink's TIMESTAMP column, fields:convert).
 *   (c) total_amount a non-numeric STRING, the total with its last digit
 *       typed as the letter O ("12.5O"): fails wherever it is converted to a
 *       number (a SQL sink's NUMERIC column, fields:convert).
 *
 * Speed matters here (the core benchmark runs this preset into dev:trash):
 * one map of 23 entries with literal keys; medallions and hack licenses
 * formatted once per model and pointed to; literals for the enumerations;
 * the few strings that vary built in place in the arena (card digits a
 * pair per table lookup); seven 64-bit random words per record sliced into
 * the draws; no snprintf, no malloc, no libm.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "generator.h"
#include "rng.h"

/* ---- static tables ------------------------------------------------------- */

/* "00".."99": one 16-bit copy per two card digits. */
static const char digit_pairs[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

typedef struct text {
    const char *s;
    size_t len;
} text;
#define TEXT(lit) {lit, sizeof lit - 1}

/* Pickup hour, weighted like the 2013 trip counts (quiet at 3-5am, a dip at
 * the 4pm shift change, busiest 6-8pm): 64 slots, one draw of 6 bits. */
static const unsigned char hour_slots[64] = {
    0,  0,  0,  1,  1,  2,  2,  3,  4,  5,  6,  6,  7,  7,  7,  8,  8,  8,  9,  9,  9,  10,
    10, 10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17,
    18, 18, 18, 18, 19, 19, 19, 19, 20, 20, 20, 21, 21, 21, 22, 22, 22, 23, 23, 23,
};

/* passenger_count: 32 slots, 1 in 22 of them (about 69%). */
static const unsigned char passenger_slots[32] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 5, 6, 6,
};

/* Card tips in percent of fare + surcharge: 16 slots, mostly 20. */
static const unsigned char tip_percent_slots[16] = {0, 0, 10, 15, 15, 18, 20, 20, 20, 20, 20, 20, 22, 25, 25, 25};

enum payment { PAY_CRD, PAY_CSH, PAY_NOC, PAY_DIS, PAY_UNK };
static const text payment_names[] = {TEXT("CRD"), TEXT("CSH"), TEXT("NOC"), TEXT("DIS"), TEXT("UNK")};

/* Card networks by prefix, as the first two digit pairs of the number:
 * the first is first_lo + [0, first_span), the second `second`, or random
 * when that is RANDOM_PAIR.  32 slots: Visa 16 (4), MasterCard 10 (51-55),
 * AMEX 4 (34, 37), Discover 2 (6011, 65). */
#define RANDOM_PAIR 100
typedef struct card_kind {
    unsigned char first_lo, first_span, second;
    text name;
} card_kind;
#define VISA {40, 10, RANDOM_PAIR, TEXT("Visa")}
#define MASTERCARD(p) {p, 1, RANDOM_PAIR, TEXT("MasterCard")}
#define AMEX(p) {p, 1, RANDOM_PAIR, TEXT("AMEX")}
static const card_kind card_kinds[32] = {
    VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA, VISA,
    MASTERCARD(51), MASTERCARD(52), MASTERCARD(53), MASTERCARD(54), MASTERCARD(55),
    MASTERCARD(51), MASTERCARD(52), MASTERCARD(53), MASTERCARD(54), MASTERCARD(55),
    AMEX(34), AMEX(37), AMEX(34), AMEX(37),
    {60, 1, 11, TEXT("Discover")}, {65, 1, RANDOM_PAIR, TEXT("Discover")},
};
static const text no_card = TEXT("n/a");

/* Luhn (ISO/IEC 7812-1 annex B): counted from the check digit, every
 * second digit is doubled and the digits of the products summed.  In a
 * 16-digit number those are the digits at even indexes from the left, so
 * a pair "td" at an even index adds luhn_pair[td] = digitsum(2t) + d. */
static const unsigned char luhn_double[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
static const unsigned char luhn_pair[100] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
};

/* ---- Manhattan ------------------------------------------------------------- */

/* Manhattan as a spine of stations from the Financial District to Inwood,
 * each with a half-width (km) that stays inside the shore with a margin.
 * A point is a distance along the spine plus an offset across it, taken
 * perpendicular to the street grid (which runs 29 degrees east of north), so
 * points fall on the island and never in the rivers. */
typedef struct station {
    double lat, lon, half_width_km;
} station;
static const station stations[] = {
    {40.7075, -74.0110, 0.3}, /* Financial District, Broad St */
    {40.7230, -73.9990, 0.9}, /* SoHo, Broome St */
    {40.7410, -73.9897, 1.0}, /* Flatiron, 23rd St */
    {40.7580, -73.9855, 1.0}, /* Times Square, 42nd St */
    {40.7812, -73.9665, 1.2}, /* 79th St, across Central Park */
    {40.8000, -73.9505, 1.1}, /* 110th St */
    {40.8200, -73.9460, 0.6}, /* 140th St, Harlem */
    {40.8480, -73.9370, 0.4}, /* 180th St, Washington Heights */
    {40.8650, -73.9250, 0.25}, /* Dyckman St, Inwood */
};
#define N_STATIONS (sizeof stations / sizeof stations[0])

#define KM_PER_DEG_LAT 111.0
#define KM_PER_DEG_LON 84.3 /* 111.32 * cos(40.78 deg) */
/* Unit vector across the grid (east-south-east), in degrees per km. */
#define ACROSS_LAT (-0.4848 / KM_PER_DEG_LAT)
#define ACROSS_LON (0.8746 / KM_PER_DEG_LON)

/* Pickups by segment (segment k runs from station k to k+1): 16 slots,
 * midtown busiest, none starting north of 180th St. */
static const unsigned char pickup_segment_slots[16] = {0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6};

/* A Manhattan street route is about 1.3 times the straight line. */
#define ROUTE_FACTOR 1.3
#define KM_PER_MILE 1.609344

/* The stretch from one station to the next, as the per-record code wants
 * it: start and slope of everything it interpolates. */
typedef struct segment {
    double km, inv_km;      /* where it starts along the spine; 1 / its length */
    double lat, dlat;       /* at its start, and the change to its end */
    double lon, dlon;
    double half_km, dhalf_km;
} segment;
#define N_SEGMENTS (N_STATIONS - 1)

/* Cabs and drivers: NYC had 13,437 medallions in 2013 and some 40,000
 * licensed drivers; a record picks one of each, so they recur as in the
 * real data (grouping by cab or driver means something). */
#define POOL_MEDALLION 0x6d6564616c6c696fULL /* hash domains */
#define POOL_HACK 0x6861636b6c696365ULL
#define N_MEDALLIONS 13437
#define N_HACK_LICENSES 42000
#define HEX_ID_STRIDE 33 /* 32 hex digits and the NUL */

/* Where along the spine segment search starts: one slot per 1/64 of it. */
#define N_SPINE_SLOTS 64

struct taxi_model {
    uint64_t seed_key;
    uint64_t corrupt_below; /* a record whose 53-bit draw is below this is corrupted */
    segment segments[N_SEGMENTS];
    double spine_km;        /* the whole spine's length */
    double slots_per_km;
    unsigned char first_segment[N_SPINE_SLOTS + 1];
    /* The pools' ids as text, made once: a record's medallion points here
     * (sluice_field_new_string_static) instead of hashing and formatting 64
     * hex digits per record.  The model outlives every batch the stage
     * makes, as that function requires. */
    char *medallions;    /* N_MEDALLIONS * HEX_ID_STRIDE */
    char *hack_licenses; /* N_HACK_LICENSES * HEX_ID_STRIDE */
};

/* ---- building blocks ---------------------------------------------------------- */

/* Rounded to micro-degrees, as the double that prints with (at most) 6
 * decimals: the integer count of micro-degrees divided by 1e6, a quotient
 * of two exact values and so correctly rounded.  Adding and taking away
 * 1.5 * 2^52 rounds to an integer in two instructions where round() is a
 * libm call; it needs doubles evaluated as doubles (not x87's 80 bits). */
static double round6(double deg)
{
#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ == 0
    const double magic = 6755399441055744.0;
    return ((deg * 1e6 + magic) - magic) / 1e6;
#else
    return (double)(int64_t)(deg * 1e6 + (deg < 0 ? -0.5 : 0.5)) / 1e6;
#endif
}

/* The segment `along_km` up the spine lies on. */
static const segment *segment_at(const taxi_model *m, double along_km)
{
    const segment *s = &m->segments[m->first_segment[(size_t)(along_km * m->slots_per_km)]];

    while (s + 1 < m->segments + N_SEGMENTS && along_km >= s[1].km)
        s++;
    return s;
}

/* The point `along_km` up the spine, on segment s, and `across` (-1..1) of
 * the half-width off it. */
static void place_on(const segment *s, double along_km, double across, double *lat, double *lon)
{
    double f = (along_km - s->km) * s->inv_km;
    double off_km = across * (s->half_km + f * s->dhalf_km);

    *lat = round6(s->lat + f * s->dlat + off_km * ACROSS_LAT);
    *lon = round6(s->lon + f * s->dlon + off_km * ACROSS_LON);
}

/* Eight nibbles, one per byte, as eight uppercase hex digits: '0' + n,
 * plus 7 more from 10 up ('A' - '9' - 1); n + 6 carries into bit 4 exactly
 * when n >= 10.  Eight digits in a handful of instructions, where a lookup
 * per digit takes several each. */
static inline uint64_t hex_digits8(uint64_t nibbles)
{
    uint64_t ten_or_more = ((nibbles + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
    return nibbles + 0x3030303030303030ULL + ten_or_more * 7;
}

/* 16 hex digits from a random word, in a byte order fixed on every host. */
static inline void hex16(char *dst, uint64_t w)
{
    uint64_t lo = htole64(hex_digits8(w & 0x0f0f0f0f0f0f0f0fULL));
    uint64_t hi = htole64(hex_digits8((w >> 4) & 0x0f0f0f0f0f0f0f0fULL));
    memcpy(dst, &lo, 8);
    memcpy(dst + 8, &hi, 8);
}

/* Member `id` of a pool (cabs, drivers) as 32 uppercase hex digits: a
 * hash of (seed, pool, id). */
static void pool_id_text(char *dst, uint64_t seed_key, uint64_t pool, uint64_t id)
{
    uint64_t key = rng_mix64(seed_key ^ pool ^ (id * RNG_GOLDEN));

    hex16(dst, rng_mix64(key));
    hex16(dst + 16, rng_mix64(key + RNG_GOLDEN));
    dst[32] = '\0';
}

static char *pool_new(uint64_t seed_key, uint64_t pool, size_t n)
{
    char *texts = malloc(n * HEX_ID_STRIDE);

    if (!texts)
        abort();
    for (size_t id = 0; id < n; id++)
        pool_id_text(texts + id * HEX_ID_STRIDE, seed_key, pool, id);
    return texts;
}

/* 16 bits of w from bit `lo`, scaled to [0, n). */
#define SLICE16(w, lo, n) ((unsigned)((((w) >> (lo)) & 0xffff) * (uint64_t)(n) >> 16))

/* 16 digits: the network's prefix, random digits, the Luhn check digit.
 * Built a digit pair (16 random bits) at a time. */
static sluice_field *card_number(sluice_batch *b, const card_kind *kind, rng *r)
{
    char *s = sluice_batch_alloc(b, 17);
    uint64_t w = rng_next(r), v = rng_next(r);
    unsigned pairs[7] = {
        kind->first_lo + SLICE16(w, 0, kind->first_span),
        kind->second != RANDOM_PAIR ? kind->second : SLICE16(w, 16, 100),
        SLICE16(w, 32, 100),
        SLICE16(w, 48, 100),
        SLICE16(v, 0, 100),
        SLICE16(v, 16, 100),
        SLICE16(v, 32, 100),
    };
    unsigned last = SLICE16(v, 48, 10), sum = luhn_double[last];

#define CARD_PAIR(k)                                                                                         \
    memcpy(s + 2 * (k), digit_pairs + 2 * pairs[k], 2);                                                      \
    sum += luhn_pair[pairs[k]]
    CARD_PAIR(0);
    CARD_PAIR(1);
    CARD_PAIR(2);
    CARD_PAIR(3);
    CARD_PAIR(4);
    CARD_PAIR(5);
    CARD_PAIR(6);
#undef CARD_PAIR
    s[14] = (char)('0' + last);
    s[15] = (char)('0' + (10 - sum % 10) % 10);
    s[16] = '\0';
    return sluice_field_new_string_static(b, s, 16);
}

/* Corruption (b): "2013-01-3D 2H:6M:SS", impossible in every field but the
 * seconds, which are the real ones. */
static sluice_field *malformed_datetime(sluice_batch *b, uint64_t bits, unsigned seconds)
{
    char *s = sluice_batch_alloc(b, 20);

    memcpy(s, "2013-01-3D 2H:6M:SS", 20);
    s[9] = (char)('2' + (bits & 7));                            /* day 32-39 */
    s[12] = (char)('5' + ((bits >> 3) & 0xffff) * 5 / 0x10000);  /* hour 25-29 */
    s[15] = (char)('0' + ((bits >> 19) & 0xffff) * 10 / 0x10000); /* minute 60-69 */
    s[17] = (char)('0' + seconds / 10);
    s[18] = (char)('0' + seconds % 10);
    return sluice_field_new_string_static(b, s, 19);
}

/* Corruption (c): the total's text with its last digit typed as the letter O. */
static sluice_field *mistyped_amount(sluice_batch *b, int64_t cents)
{
    char *s = sluice_batch_alloc(b, 24);
    char tmp[24];
    size_t n = 0, len = 0;
    uint64_t v = (uint64_t)cents;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
        if (n == 2)
            tmp[n++] = '.';
    } while (v || n < 4);
    while (n)
        s[len++] = tmp[--n];
    s[len - 1] = 'O';
    s[len] = '\0';
    return sluice_field_new_string_static(b, s, len);
}

/* ---- the model -------------------------------------------------------------- */

static double segment_km(const station *a, const station *b)
{
    double dy = (b->lat - a->lat) * KM_PER_DEG_LAT;
    double dx = (b->lon - a->lon) * KM_PER_DEG_LON;
    double d2 = dx * dx + dy * dy;
    double d = d2 > 1 ? d2 : 1;

    /* Newton's square root: keeps libm out of the plugin for one use. */
    for (int k = 0; k < 40; k++)
        d = 0.5 * (d + d2 / d);
    return d;
}

taxi_model *taxi_model_new(uint64_t seed_key, double corrupt_fraction)
{
    taxi_model *m = calloc(1, sizeof *m);

    if (!m)
        abort(); /* as the arena does: malloc failing is not a condition to handle */
    m->seed_key = seed_key;
    if (corrupt_fraction < 0)
        corrupt_fraction = 0;
    if (corrupt_fraction > 1)
        corrupt_fraction = 1;
    m->corrupt_below = (uint64_t)(corrupt_fraction * 0x1.0p53);
    for (size_t k = 0; k < N_SEGMENTS; k++) {
        const station *a = &stations[k], *b = &stations[k + 1];
        double len = segment_km(a, b);
        m->segments[k] = (segment){
            .km = m->spine_km,
            .inv_km = 1.0 / len,
            .lat = a->lat,
            .dlat = b->lat - a->lat,
            .lon = a->lon,
            .dlon = b->lon - a->lon,
            .half_km = a->half_width_km,
            .dhalf_km = b->half_width_km - a->half_width_km,
        };
        m->spine_km += len;
    }
    m->slots_per_km = N_SPINE_SLOTS / m->spine_km;
    for (size_t slot = 0, k = 0; slot <= N_SPINE_SLOTS; slot++) {
        while (k + 1 < N_SEGMENTS && m->segments[k + 1].km <= (double)slot / m->slots_per_km)
            k++;
        m->first_segment[slot] = (unsigned char)k;
    }
    m->medallions = pool_new(seed_key, POOL_MEDALLION, N_MEDALLIONS);
    m->hack_licenses = pool_new(seed_key, POOL_HACK, N_HACK_LICENSES);
    return m;
}

void taxi_model_free(taxi_model *model)
{
    if (!model)
        return;
    free(model->medallions);
    free(model->hack_licenses);
    free(model);
}

/* ---- the record ------------------------------------------------------------- */

#define JAN_2013_US INT64_C(1356998400000000) /* 2013-01-01T00:00:00Z */
#define JANUARY_SECS (31 * 86400)
/* Bit d set when January d+1, 2013 is a Monday to Friday (the 1st was a
 * Tuesday). */
#define JANUARY_WEEKDAYS 0x79f3e7cfu

/* Bits [lo, lo+32) of w scaled to [0, n). */
#define SLICE32(w, lo, n) ((uint32_t)((((w) >> (lo)) & 0xffffffffu) * (uint64_t)(n) >> 32))

enum corruption { CORRUPT_NONE, CORRUPT_NO_CARD, CORRUPT_PICKUP_TEXT, CORRUPT_TOTAL_TEXT };

#define PUT(key, value) sluice_map_append_static(b, root, key, sizeof key - 1, value)

sluice_field *taxi_record(const taxi_model *m, sluice_batch *b, uint64_t seq)
{
    rng r = rng_for_record(m->seed_key, seq);
    uint64_t w0 = rng_next(&r), w1 = rng_next(&r), w2 = rng_next(&r), w3 = rng_next(&r), w4 = rng_next(&r),
             w5 = rng_next(&r), w6 = rng_next(&r);
    enum corruption corrupt = CORRUPT_NONE;
    sluice_field *root = sluice_field_new_map(b, 23);

    /* w0: whether and how this record is corrupted. */
    if ((w0 >> 11) < m->corrupt_below)
        corrupt = (enum corruption)(1 + (((w0 & 0x7ff) * 3) >> 11));

    /* w1: cab and driver. */
    uint32_t medallion = SLICE32(w1, 32, N_MEDALLIONS);
    uint32_t hack = SLICE32(w1, 0, N_HACK_LICENSES);

    /* w2: payment (per mille) and rate code (per mille). */
    uint32_t pay_pm = SLICE32(w2, 32, 1000);
    enum payment pay = pay_pm < 540 ? PAY_CRD : pay_pm < 990 ? PAY_CSH : pay_pm < 995 ? PAY_NOC
                     : pay_pm < 997 ? PAY_DIS : PAY_UNK;
    if (corrupt == CORRUPT_NO_CARD)
        pay = PAY_CRD;
    uint32_t rate_pm = SLICE32(w2, 0, 1000);
    int rate_code = rate_pm < 976 ? 1 : rate_pm < 996 ? 2 : rate_pm < 998 ? 5 : rate_pm < 999 ? 3 : 4;

    /* w3: distance, speed, slow time, passengers, vendor, tolls. */
    int64_t distance_c; /* hundredths of a mile */
    uint32_t mph;
    uint32_t slow_secs = SLICE16(w3, 32, 240);
    if (rate_code == 2) { /* JFK: a long highway ride */
        distance_c = 1500 + SLICE16(w3, 0, 700);
        mph = 20 + SLICE16(w3, 16, 16);
    } else {
        /* x^3 skews toward short hops with a long tail: median 1.8 mi,
         * mean 3.3 mi, at most 12.3 mi. */
        uint64_t x = w3 & 0xffff;
        distance_c = 30 + (int64_t)((x * x * x * 1200) >> 48);
        mph = 6 + SLICE16(w3, 16, 14);
    }
    int64_t trip_secs = distance_c * 36 / mph + slow_secs;
    if (trip_secs < 60)
        trip_secs = 60;
    unsigned passengers = passenger_slots[(w3 >> 48) & 31];
    bool cmt = (w3 >> 63) & 1;
    bool toll = ((w3 >> 53) & 127) < 6; /* about 4.7% */

    /* w4: when. */
    uint32_t day = SLICE16(w4, 0, 31);
    uint32_t hour = hour_slots[(w4 >> 16) & 63];
    int64_t pickup = (int64_t)day * 86400 + hour * 3600 + SLICE32(w4, 32, 3600);
    if (pickup + trip_secs >= JANUARY_SECS) { /* keep the dropoff in January */
        pickup = JANUARY_SECS - 1 - trip_secs;
        day = (uint32_t)(pickup / 86400);
        hour = (uint32_t)(pickup % 86400 / 3600);
    }
    int64_t dropoff = pickup + trip_secs;

    /* Money, in cents.  Surcharge by pickup time (2013 rules). */
    int64_t fare;
    if (rate_code == 2) {
        fare = 5200;
    } else {
        fare = 250 + distance_c / 20 * 50 + slow_secs / 60 * 50;
        if (rate_code == 5) /* negotiated: whole dollars */
            fare = (fare + 99) / 100 * 100;
    }
    int64_t surcharge = 0;
    if (rate_code != 2) {
        if (hour >= 20 || hour < 6)
            surcharge = 50;
        else if (hour >= 16 && ((JANUARY_WEEKDAYS >> day) & 1))
            surcharge = 100;
    }
    int64_t mta_tax = 50;
    int64_t tip = 0;
    if (pay == PAY_CRD)
        tip = ((fare + surcharge) * tip_percent_slots[w5 >> 60] + 50) / 100;
    int64_t tolls = toll ? 533 : 0;
    int64_t total = fare + surcharge + mta_tax + tip + tolls;

    /* w5, w6: where.  The dropoff lies up or down the spine by the route's
     * straight-line length, reflected at the ends of the island. */
    double spine = m->spine_km;
    const segment *seg = &m->segments[pickup_segment_slots[(w5 >> 56) & 15]];
    double along = seg->km + (double)(w5 & 0x3ffffff) * 0x1.0p-26 / seg->inv_km;
    double move = (double)distance_c * (0.01 * KM_PER_MILE / ROUTE_FACTOR);
    double to = (w6 >> 63) ? along + move : along - move;
    if (to < 0)
        to = -to;
    if (to > spine)
        to = 2 * spine - to;
    if (to < 0)
        to = 0;
    double p_lat, p_lon, d_lat, d_lon;
    place_on(seg, along, (double)(w6 & 0x3ffffff) * 0x1.0p-25 - 1, &p_lat, &p_lon);
    place_on(segment_at(m, to), to, (double)((w6 >> 26) & 0x3ffffff) * 0x1.0p-25 - 1, &d_lat, &d_lon);

    /* The record, in the tutorial's field order. */
    PUT("seq", sluice_field_new_int(b, (int64_t)seq));
    PUT("medallion", sluice_field_new_string_static(b, m->medallions + medallion * HEX_ID_STRIDE, 32));
    PUT("hack_license", sluice_field_new_string_static(b, m->hack_licenses + hack * HEX_ID_STRIDE, 32));
    PUT("vendor_id", cmt ? sluice_field_new_string_static(b, "CMT", 3) : sluice_field_new_string_static(b, "VTS", 3));
    PUT("payment_type", sluice_field_new_string_static(b, payment_names[pay].s, payment_names[pay].len));
    PUT("fare_amount", sluice_field_new_decimal(b, fare, 2));
    PUT("surcharge", sluice_field_new_decimal(b, surcharge, 2));
    PUT("mta_tax", sluice_field_new_decimal(b, mta_tax, 2));
    PUT("tip_amount", sluice_field_new_decimal(b, tip, 2));
    PUT("tolls_amount", sluice_field_new_decimal(b, tolls, 2));
    PUT("total_amount", corrupt == CORRUPT_TOTAL_TEXT ? mistyped_amount(b, total) : sluice_field_new_decimal(b, total, 2));
    PUT("rate_code", sluice_field_new_int(b, rate_code));
    PUT("pickup_datetime", corrupt == CORRUPT_PICKUP_TEXT ? malformed_datetime(b, rng_next(&r), (unsigned)(pickup % 60))
                                                           : sluice_field_new_datetime(b, JAN_2013_US + pickup * 1000000));
    PUT("dropoff_datetime", sluice_field_new_datetime(b, JAN_2013_US + dropoff * 1000000));
    PUT("passenger_count", sluice_field_new_int(b, passengers));
    PUT("trip_time_in_secs", sluice_field_new_int(b, trip_secs));
    PUT("trip_distance", sluice_field_new_double(b, (double)distance_c / 100));
    PUT("pickup_longitude", sluice_field_new_double(b, p_lon));
    PUT("pickup_latitude", sluice_field_new_double(b, p_lat));
    PUT("dropoff_longitude", sluice_field_new_double(b, d_lon));
    PUT("dropoff_latitude", sluice_field_new_double(b, d_lat));
    if (pay == PAY_CRD && corrupt != CORRUPT_NO_CARD) {
        const card_kind *kind = &card_kinds[(w5 >> 51) & 31];
        PUT("credit_card", card_number(b, kind, &r));
        PUT("credit_card_type", sluice_field_new_string_static(b, kind->name.s, kind->name.len));
    } else {
        PUT("credit_card", sluice_field_new_null(b));
        PUT("credit_card_type", sluice_field_new_string_static(b, no_card.s, no_card.len));
    }
    return root;
}
