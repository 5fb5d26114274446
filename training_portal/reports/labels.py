"""The fixed wording of the report tables: column headers, sheet titles and counting labels.

Column headers and sheet titles are stable (documented in README.md, read by
header name), so their English and Khmer wording is fixed here, like the
reference lists, rather than left to the catalogues. The enums' words
(sex, age band, check-in method) are the app's own, in ``training_portal.labels``.
"""

from ..i18n import current_language


# Stable column headers: (English, Khmer).
HEADERS = {
    "event_type": ("Event type", "ប្រភេទព្រឹត្តិការណ៍"),
    "target_group": ("Target group", "ក្រុមគោលដៅ"),
    "province": ("Province", "ខេត្ត"),
    "month": ("Month", "ខែ"),
    "age_band": ("Age band", "ក្រុមអាយុ"),
    "events": ("Events", "ចំនួនព្រឹត្តិការណ៍"),
    "participants": ("Participants", "អ្នកចូលរួម"),
    "female": ("Female", "ស្រី"),
    "male": ("Male", "ប្រុស"),
    "other": ("Other", "ផ្សេងទៀត"),
    "unique_individuals": ("Unique individuals", "ចំនួនបុគ្គលមិនស្ទួន"),
    "individual": ("Individual attendance", "វត្តមានម្នាក់ៗ"),
    "headcount": ("Headcount", "ការរាប់ចំនួនសរុប"),
    "pre_takers": ("Pre-test takers", "អ្នកធ្វើតេស្តមុន"),
    "pre_mean": ("Mean pre-test score (%)", "ពិន្ទុមធ្យមតេស្តមុន (%)"),
    "post_takers": ("Post-test takers", "អ្នកធ្វើតេស្តក្រោយ"),
    "post_mean": ("Mean post-test score (%)", "ពិន្ទុមធ្យមតេស្តក្រោយ (%)"),
    "both": ("Took both tests", "អ្នកធ្វើតេស្តទាំងពីរ"),
    "both_pre_mean": ("Mean pre-test score, both tests (%)", "ពិន្ទុមធ្យមតេស្តមុន អ្នកធ្វើទាំងពីរ (%)"),
    "both_post_mean": ("Mean post-test score, both tests (%)", "ពិន្ទុមធ្យមតេស្តក្រោយ អ្នកធ្វើទាំងពីរ (%)"),
    "mean_gain": ("Mean gain (percentage points)", "កំណើនមធ្យម (ពិន្ទុភាគរយ)"),
    "normalised_gain": ("Normalised gain (Hake's g)", "កំណើនធៀប (Hake's g)"),
    "improved": ("Improved (%)", "បានប្រសើរឡើង (%)"),
    "event_id": ("Event ID", "លេខសម្គាល់ព្រឹត្តិការណ៍"),
    "date": ("Date", "កាលបរិច្ឆេទ"),
    "event": ("Event", "ព្រឹត្តិការណ៍"),
    "target_groups": ("Target groups", "ក្រុមគោលដៅទាំងអស់"),
    "trainers": ("Trainers", "គ្រូបង្គោល"),
    "sessions": ("Sessions", "ចំនួនវគ្គ"),
    "counting": ("Counting", "វិធីរាប់"),
    "participant_id": ("Participant ID", "លេខសម្គាល់អ្នកចូលរួម"),
    "name": ("Name", "ឈ្មោះ"),
    "sex": ("Sex", "ភេទ"),
    "events_attended": ("Events attended", "ព្រឹត្តិការណ៍បានចូលរួម"),
    "sessions_attended": ("Sessions attended", "វគ្គបានចូលរួម"),
    "session": ("Session", "វគ្គ"),
    "start_time": ("Start time", "ម៉ោងចាប់ផ្តើម"),
    "method": ("Method", "វិធីចុះវត្តមាន"),
    "recorded_by": ("Recorded by", "កត់ត្រាដោយ"),
    "sentence": ("Annual report", "របាយការណ៍ប្រចាំឆ្នាំ"),
}

SHEETS = {
    "summary": ("Summary", "សង្ខេប"),
    "by_target_group": ("By target group", "តាមក្រុមគោលដៅ"),
    "by_province": ("By province", "តាមខេត្ត"),
    "by_month": ("By month", "តាមខែ"),
    "by_age_band": ("By age band", "តាមក្រុមអាយុ"),
    "knowledge": ("Knowledge gain", "កំណើនចំណេះដឹង"),
    "events": ("Events", "ព្រឹត្តិការណ៍"),
    "participants": ("Participants", "អ្នកចូលរួម"),
    "attendance": ("Attendance", "វត្តមាន"),
    "about": ("About these figures", "អំពីតួលេខទាំងនេះ"),
}

TOTAL = ("Total", "សរុប")
NOT_RECORDED = ("Not recorded", "មិនបានកត់ត្រា")
COUNTING_LABELS = {
    "individual": ("Individual attendance", "វត្តមានម្នាក់ៗ"),
    "headcount": ("Headcount", "ការរាប់ចំនួនសរុប"),
    "both": ("Both", "ទាំងពីរ"),
    "none": ("None yet", "មិនទាន់មាន"),
}

# Notes written under a sheet's table.
NOTES = {
    "events_by_target_group": (
        "Events: an event counts in the row of each target group it had participants of, so this column adds "
        "up to more than its Total, which counts each event once.",
        "ចំនួនព្រឹត្តិការណ៍៖ ព្រឹត្តិការណ៍មួយត្រូវបានរាប់ក្នុងជួរនៃក្រុមគោលដៅនីមួយៗដែលមានអ្នកចូលរួម "
        "ដូច្នេះជួរឈរនេះបូកបញ្ចូលគ្នាលើសពីចំនួនសរុប ដែលរាប់ព្រឹត្តិការណ៍នីមួយៗតែម្តង។"),
    "events_by_age_band": (
        "Events: an event counts in the row of each age band it had participants of, so this column adds "
        "up to more than its Total, which counts each event once.",
        "ចំនួនព្រឹត្តិការណ៍៖ ព្រឹត្តិការណ៍មួយត្រូវបានរាប់ក្នុងជួរនៃក្រុមអាយុនីមួយៗដែលមានអ្នកចូលរួម "
        "ដូច្នេះជួរឈរនេះបូកបញ្ចូលគ្នាលើសពីចំនួនសរុប ដែលរាប់ព្រឹត្តិការណ៍នីមួយៗតែម្តង។"),
    "no_quizzes": ("No quizzes were taken in this period.", "មិនមានការធ្វើកម្រងសំណួរក្នុងរយៈពេលនេះទេ។"),
}

# The "About these figures" sheet: each figure's header and what it counts (docs/glossary.md terms).
ABOUT = [
    ("participants", (
        "The people at each event, counted once however many of its sessions they attended, plus its "
        "headcounts. The figure of a period is the sum over its events: a person at two events counts twice.",
        "មនុស្សនៅព្រឹត្តិការណ៍នីមួយៗ រាប់តែម្តង ទោះចូលរួមប៉ុន្មានវគ្គក៏ដោយ បូកនឹងការរាប់ចំនួនសរុប។ "
        "តួលេខនៃរយៈពេលមួយ គឺជាផលបូកនៃព្រឹត្តិការណ៍ទាំងអស់៖ មនុស្សម្នាក់ដែលចូលរួមព្រឹត្តិការណ៍ពីរ ត្រូវបានរាប់ពីរដង។")),
    ("unique_individuals", (
        "The people checked in by name, each counted once in the period however many events they attended. "
        "Headcounts have no names, so they are not in this figure.",
        "មនុស្សដែលបានចុះវត្តមានតាមឈ្មោះ ម្នាក់ៗរាប់តែម្តងក្នុងរយៈពេលនេះ ទោះចូលរួមប៉ុន្មានព្រឹត្តិការណ៍ក៏ដោយ។ "
        "ការរាប់ចំនួនសរុបគ្មានឈ្មោះ ដូច្នេះមិនមាននៅក្នុងតួលេខនេះទេ។")),
    ("individual", (
        "The participants recorded one by one (self check-in, card scan, walk-in entry or paper sheet), "
        "counted once per event.",
        "អ្នកចូលរួមដែលបានកត់ត្រាម្នាក់ម្តងៗ (ចុះវត្តមានដោយខ្លួនឯង ស្កេនកាត ចុះឈ្មោះនៅនឹងកន្លែង ឬបញ្ជីលើក្រដាស) "
        "រាប់តែម្តងក្នុងមួយព្រឹត្តិការណ៍។")),
    ("headcount", (
        "The participants counted as a tally by sex and target group, without names. "
        "Participants = individual attendance + headcount.",
        "អ្នកចូលរួមដែលបានរាប់ជាចំនួនតាមភេទ និងក្រុមគោលដៅ ដោយគ្មានឈ្មោះ។ "
        "អ្នកចូលរួម = វត្តមានម្នាក់ៗ + ការរាប់ចំនួនសរុប។")),
    ("other", ("Other or not stated.", "ផ្សេងទៀត ឬមិនបញ្ជាក់។")),
    ("events", (
        "The events counted in the period; cancelled events never count.",
        "ព្រឹត្តិការណ៍ដែលបានរាប់ក្នុងរយៈពេលនេះ។ ព្រឹត្តិការណ៍ដែលបានលុបចោល មិនត្រូវបានរាប់ទេ។")),
]
ABOUT_COLUMNS = (("Figure", "តួលេខ"), ("What it counts", "អ្វីដែលវារាប់"))


def label(pair: tuple[str, str]) -> str:
    """The Khmer or English wording of a fixed label, following the page or export language."""
    english, khmer = pair
    return khmer if current_language() == "km" and khmer else english
