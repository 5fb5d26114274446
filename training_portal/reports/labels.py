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
    "other": ("Other", "ផ្សេងៗ"),
    "unique_individuals": ("Unique individuals", "បុគ្គលមិនស្ទួន"),
    "individual": ("Individual attendance", "វត្តមានផ្ទាល់ខ្លួន"),
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
}

TOTAL = ("Total", "សរុប")
NOT_RECORDED = ("Not recorded", "មិនបានកត់ត្រា")
COUNTING_LABELS = {
    "individual": ("Individual attendance", "វត្តមានផ្ទាល់ខ្លួន"),
    "headcount": ("Headcount", "ការរាប់ចំនួនសរុប"),
    "both": ("Both", "ទាំងពីរ"),
    "none": ("None yet", "មិនទាន់មាន"),
}


def label(pair: tuple[str, str]) -> str:
    """The Khmer or English wording of a fixed label, following the page or export language."""
    english, khmer = pair
    return khmer if current_language() == "km" and khmer else english
