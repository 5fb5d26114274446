"""The demo year's child-protection quiz and the pre/post attempts of its trainings.

Runs after the demo attendance is seeded: the participants of each training
take the pre-test at the start of its first session and the post-test at the
end of its last one, with believable gains. A few miss one of the two tests,
and some hand in paper sheets that a trainer entered.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from ..auth.models import Role, User
from ..events.models import Event
from ..extensions import db
from . import attempts, bank, phases
from .models import Phase, QuestionKind, Quiz
from .bank import OptionData, QuestionData

DEMO_QUIZ_TITLE = ("Child protection: what do you know?", "ការការពារកុមារ៖ តើអ្នកដឹងអ្វីខ្លះ?")
NGO_HOTLINE = ("012 345 678", "០១២ ៣៤៥ ៦៧៨")  # a demo number, not a real line
SHARE_PRE_ONLY = 0.05
SHARE_POST_ONLY = 0.05
SHARE_ON_PAPER = 0.15


def o(text_en: str, text_km: str, correct: bool = False) -> OptionData:
    return OptionData(text_en, text_km, correct)


# (question, chance of a right answer before the training, after it)
DEMO_QUESTIONS = [
    (QuestionData(
        QuestionKind.SINGLE.value,
        "Which of these is child sexual exploitation?",
        "តើខាងក្រោមនេះ មួយណាជាការកេងប្រវ័ញ្ចផ្លូវភេទលើកុមារ?",
        "Any sexual act with a child in exchange for money, gifts, food or a place to sleep is sexual "
        "exploitation and a crime, even if the child seems to agree.",
        "រាល់សកម្មភាពផ្លូវភេទជាមួយកុមារ ដើម្បីដោះដូរនឹងលុយ អំណោយ ម្ហូបអាហារ ឬកន្លែងស្នាក់នៅ "
        "គឺជាការកេងប្រវ័ញ្ចផ្លូវភេទ និងជាបទឧក្រិដ្ឋ ទោះបីកុមារហាក់ដូចជាយល់ព្រមក៏ដោយ។",
        [o("An adult gives a child money or gifts in exchange for sexual acts",
           "មនុស្សពេញវ័យឱ្យលុយ ឬអំណោយដល់កុមារ ដើម្បីដោះដូរនឹងសកម្មភាពផ្លូវភេទ", True),
         o("A parent asks a child to help with the cooking at home", "ឪពុកម្តាយឱ្យកូនជួយធ្វើម្ហូបនៅផ្ទះ"),
         o("A teacher gives a child extra homework", "គ្រូបង្រៀនឱ្យកិច្ចការផ្ទះបន្ថែមដល់កុមារ")]), 0.70, 0.95),
    (QuestionData(
        QuestionKind.MULTIPLE.value,
        "Which of these are child abuse?",
        "តើមួយណាខ្លះជាការរំលោភបំពានលើកុមារ?",
        "Abuse can be physical, sexual or emotional; neglecting a child's basic needs is abuse too.",
        "ការរំលោភបំពានអាចជាផ្លូវកាយ ផ្លូវភេទ ឬផ្លូវចិត្ត ហើយការមិនអើពើនឹងតម្រូវការមូលដ្ឋានរបស់កុមារ "
        "ក៏ជាការរំលោភបំពានដែរ។",
        [o("Hitting a child so hard that it leaves injuries", "វាយកុមាររហូតដល់មានស្នាមរបួស", True),
         o("Touching a child's private parts", "ប៉ះពាល់កន្លែងឯកជនរបស់កុមារ", True),
         o("Insulting and threatening a child again and again", "ជេរប្រមាថ និងគំរាមកំហែងកុមារជាប្រចាំ", True),
         o("Calmly explaining to a child why a rule matters",
           "ពន្យល់កុមារដោយស្ងប់ស្ងាត់ ពីមូលហេតុដែលច្បាប់មួយមានសារៈសំខាន់")]), 0.35, 0.80),
    (QuestionData(
        QuestionKind.TRUE_FALSE.value,
        "Most children who are abused are abused by a stranger.",
        "កុមារភាគច្រើនដែលរងការរំលោភបំពាន គឺត្រូវបានរំលោភបំពានដោយមនុស្សចម្លែក។",
        "Most abusers are people the child knows and trusts: relatives, neighbours, teachers or family friends.",
        "ជនល្មើសភាគច្រើន ជាមនុស្សដែលកុមារស្គាល់ និងទុកចិត្ត ដូចជាសាច់ញាតិ អ្នកជិតខាង គ្រូបង្រៀន "
        "ឬមិត្តភក្តិរបស់គ្រួសារ។",
        bank.true_false_options(False)), 0.35, 0.85),
    (QuestionData(
        QuestionKind.MULTIPLE.value,
        "Which can be signs that an adult is grooming a child?",
        "តើមួយណាខ្លះអាចជាសញ្ញាថា មនុស្សពេញវ័យម្នាក់កំពុងល្បួងកុមារ?",
        "Groomers win trust with gifts and attention, then try to be alone with the child and ask for secrecy.",
        "អ្នកល្បួងកសាងទំនុកចិត្តតាមរយៈអំណោយ និងការយកចិត្តទុកដាក់ បន្ទាប់មកព្យាយាមនៅតែពីរនាក់ជាមួយកុមារ "
        "ហើយសុំឱ្យលាក់ជាការសម្ងាត់។",
        [o("Giving the child expensive gifts or money for no reason",
           "ឱ្យអំណោយថ្លៃៗ ឬលុយដល់កុមារដោយគ្មានហេតុផល", True),
         o("Asking the child to keep their friendship a secret",
           "សុំឱ្យកុមាររក្សាមិត្តភាពរបស់ពួកគេជាការសម្ងាត់", True),
         o("Often trying to be alone with the child", "ព្យាយាមនៅតែពីរនាក់ជាមួយកុមារជាញឹកញាប់", True),
         o("Talking with the child's parents in front of the child",
           "និយាយជាមួយឪពុកម្តាយរបស់កុមារ នៅចំពោះមុខកុមារ")]), 0.30, 0.75),
    (QuestionData(
        QuestionKind.SINGLE.value,
        "A foreign tourist asks a tuk-tuk driver to bring a child to his hotel room. What should the driver do?",
        "ភ្ញៀវទេសចរបរទេសម្នាក់ សុំឱ្យអ្នករត់តុកតុកនាំកុមារម្នាក់ទៅបន្ទប់សណ្ឋាគាររបស់គាត់។ "
        "តើអ្នករត់តុកតុកគួរធ្វើអ្វី?",
        "Never take a child to a tourist's room. Note what you saw (time, place, what the person looks like) "
        "and report it at once.",
        "កុំនាំកុមារទៅបន្ទប់ភ្ញៀវទេសចរជាដាច់ខាត។ ចូរកត់ចំណាំអ្វីដែលអ្នកបានឃើញ (ពេលវេលា ទីកន្លែង "
        "និងរូបរាងរបស់មនុស្សនោះ) ហើយរាយការណ៍ភ្លាមៗ។",
        [o(f"Refuse, and report it to the police hotline 1288 or the NGO's hotline {NGO_HOTLINE[0]}",
           f"បដិសេធ ហើយរាយការណ៍ទៅខ្សែទូរស័ព្ទនគរបាល ១២៨៨ ឬខ្សែទូរស័ព្ទរបស់អង្គការ {NGO_HOTLINE[1]}", True),
         o("Do it if the tourist pays well", "ធ្វើតាម ប្រសិនបើភ្ញៀវទេសចរបង់ប្រាក់ច្រើន"),
         o("Ignore it: it is not his business", "មិនអើពើ ព្រោះវាមិនមែនជាកិច្ចការរបស់ខ្លួន")]), 0.60, 0.93),
    (QuestionData(
        QuestionKind.SINGLE.value,
        "Which number is the police hotline for reporting child abuse and exploitation in Cambodia?",
        "តើលេខណាជាខ្សែទូរស័ព្ទបន្ទាន់របស់នគរបាល សម្រាប់រាយការណ៍អំពីការរំលោភបំពាន "
        "និងការកេងប្រវ័ញ្ចលើកុមារនៅកម្ពុជា?",
        f"Call 1288, free of charge, day or night. You can also call the NGO's hotline {NGO_HOTLINE[0]}.",
        f"ហៅលេខ ១២៨៨ ដោយឥតគិតថ្លៃ ទាំងថ្ងៃទាំងយប់។ អ្នកក៏អាចហៅខ្សែទូរស័ព្ទរបស់អង្គការ {NGO_HOTLINE[1]} ផងដែរ។",
        [o("1288", "១២៨៨", True), o("117", "១១៧"), o("119", "១១៩"), o("1280", "១២៨០")]), 0.40, 0.92),
    (QuestionData(
        QuestionKind.TRUE_FALSE.value,
        "You must be sure that abuse really happened before you report it.",
        "អ្នកត្រូវតែប្រាកដថា ការរំលោភបំពានពិតជាបានកើតឡើង ទើបអាចរាយការណ៍បាន។",
        "Report what you saw or suspect: checking the facts is the job of the police and social workers. "
        "You can report without giving your name.",
        "ចូររាយការណ៍អំពីអ្វីដែលអ្នកបានឃើញ ឬសង្ស័យ។ ការស៊ើបអង្កេតរកការពិត គឺជាការងាររបស់នគរបាល "
        "និងបុគ្គលិកសង្គមកិច្ច។ អ្នកអាចរាយការណ៍ដោយមិនចាំបាច់ប្រាប់ឈ្មោះ។",
        bank.true_false_options(False)), 0.35, 0.82),
    (QuestionData(
        QuestionKind.SINGLE.value,
        "A child tells you that an adult is hurting them. What is the best first thing to do?",
        "កុមារម្នាក់ប្រាប់អ្នកថា មានមនុស្សពេញវ័យម្នាក់កំពុងធ្វើបាបគាត់។ តើអ្វីជារឿងដំបូងដ៏ល្អបំផុតដែលត្រូវធ្វើ?",
        "Stay calm and believe the child. Do not promise to keep it secret: explain that you will ask people "
        "who can help, and report it.",
        "ចូរស្ងប់ស្ងាត់ និងជឿលើកុមារ។ កុំសន្យាថានឹងរក្សាជាការសម្ងាត់ ប៉ុន្តែត្រូវពន្យល់ថា "
        "អ្នកនឹងសុំជំនួយពីអ្នកដែលអាចជួយបាន ហើយរាយការណ៍។",
        [o("Listen calmly, believe the child and tell them it is not their fault",
           "ស្តាប់ដោយស្ងប់ស្ងាត់ ជឿលើកុមារ ហើយប្រាប់គាត់ថា វាមិនមែនជាកំហុសរបស់គាត់ទេ", True),
         o("Ask the child many detailed questions to check the story",
           "សួរកុមារនូវសំណួរលម្អិតជាច្រើន ដើម្បីផ្ទៀងផ្ទាត់រឿងរ៉ាវ"),
         o("Go and confront the adult yourself", "ទៅប្រឈមមុខជាមួយមនុស្សពេញវ័យនោះដោយខ្លួនឯង"),
         o("Promise to keep it a secret", "សន្យាថានឹងរក្សាវាជាការសម្ងាត់")]), 0.45, 0.85),
    (QuestionData(
        QuestionKind.MULTIPLE.value,
        "Which are good ways for children to stay safe online?",
        "តើមួយណាខ្លះជាវិធីល្អ ដែលកុមារអាចរក្សាសុវត្ថិភាពនៅលើអនឡាញ?",
        "People online are not always who they say they are. A child should never meet an online contact alone.",
        "មនុស្សនៅលើអនឡាញ មិនមែនតែងតែជាមនុស្សដូចដែលគេអះអាងនោះទេ។ "
        "កុមារមិនគួរទៅជួបមនុស្សដែលស្គាល់តាមអនឡាញតែម្នាក់ឯងឡើយ។",
        [o("Never share their address, school or photos with people they know only online",
           "មិនចែករំលែកអាសយដ្ឋាន សាលារៀន ឬរូបថត ជាមួយមនុស្សដែលស្គាល់តែតាមអនឡាញ", True),
         o("Tell a trusted adult when someone online makes them uncomfortable",
           "ប្រាប់មនុស្សពេញវ័យដែលខ្លួនទុកចិត្ត នៅពេលមាននរណាម្នាក់នៅលើអនឡាញធ្វើឱ្យពួកគេមិនស្រួលចិត្ត", True),
         o("Meet an online friend alone to see if they are real",
           "ជួបមិត្តអនឡាញតែម្នាក់ឯង ដើម្បីមើលថាគេជាមនុស្សពិតឬអត់"),
         o("Keep their social media accounts private", "កំណត់គណនីបណ្តាញសង្គមរបស់ខ្លួនជាឯកជន", True)]),
     0.40, 0.80),
    (QuestionData(
        QuestionKind.TRUE_FALSE.value,
        "Sharing or keeping sexual images of a child is a crime, even if the child sent the picture.",
        "ការចែករំលែក ឬរក្សាទុករូបភាពផ្លូវភេទរបស់កុមារ គឺជាបទឧក្រិដ្ឋ ទោះបីកុមារជាអ្នកផ្ញើរូបភាពនោះមកក៏ដោយ។",
        f"Do not forward or keep such images. Report them to 1288 or the NGO's hotline {NGO_HOTLINE[0]}, "
        "and tell the child it is not their fault.",
        f"កុំបញ្ជូនបន្ត ឬរក្សាទុករូបភាពបែបនេះ។ ចូររាយការណ៍ទៅលេខ ១២៨៨ ឬខ្សែទូរស័ព្ទរបស់អង្គការ {NGO_HOTLINE[1]} "
        "ហើយប្រាប់កុមារថា វាមិនមែនជាកំហុសរបស់គាត់ទេ។",
        bank.true_false_options(True)), 0.50, 0.88),
]


def create_demo_quiz(creator: User | None) -> Quiz:
    """The bilingual child-protection quiz of the demo year."""
    quiz = bank.create_quiz(*DEMO_QUIZ_TITLE, creator)
    for question, _before, _after in DEMO_QUESTIONS:
        bank.add_question(quiz, question)
    db.session.flush()
    return quiz


def simulated_selection(rng: random.Random, question, right: bool) -> set[int]:
    """The option ids a participant ticks, right or wrong as decided."""
    correct = {option.id for option in question.options if option.is_correct}
    wrong = [option.id for option in question.options if not option.is_correct]
    if right:
        return correct
    if question.kind != QuestionKind.MULTIPLE:
        return {rng.choice(wrong)}
    # A typical multiple-choice mistake: one correct option missed, or one wrong option ticked too.
    if len(correct) > 1 and rng.random() < 0.6:
        return correct - {rng.choice(sorted(correct))}
    return correct | {rng.choice(wrong)}


def simulated_answers(rng: random.Random, quiz: Quiz, ability: float, after: bool) -> dict[int, set[int]]:
    answers = {}
    for question, (_data, before_chance, after_chance) in zip(quiz.questions, DEMO_QUESTIONS):
        chance = min(0.98, max(0.03, (after_chance if after else before_chance) + 0.12 * ability))
        answers[question.id] = simulated_selection(rng, question, rng.random() < chance)
    return answers


def record(rng, event, participant, phase, quiz, ability, when, trainer):
    on_paper = rng.random() < SHARE_ON_PAPER
    attempt, _created = attempts.submit_attempt(
        participant, event, phase, simulated_answers(rng, quiz, ability, phase == Phase.POST),
        on_paper=on_paper, recorded_by=trainer if on_paper else None)
    attempt.submitted_at = when + timedelta(minutes=rng.randint(5, 40))


def seed_quiz_results(events: list[Event], rng: random.Random) -> Quiz:
    """Create the demo quiz; the trainings among ``events`` use it, and their attendees take both tests."""
    creator = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    quiz = create_demo_quiz(creator)
    for event in events:
        if event.event_type.code != "training" or event.is_cancelled:
            continue
        event.pre_quiz_id = event.post_quiz_id = quiz.id
        participants = phases.checked_in_participants(event)
        if not participants:
            continue
        trainer = event.trainers[0] if event.trainers else creator
        first, last = event.sessions[0], event.sessions[-1]
        for participant in participants:
            ability = rng.gauss(0, 1)
            draw = rng.random()
            event.pre_test_open, event.post_test_open = True, False
            if draw >= SHARE_POST_ONLY:
                record(rng, event, participant, Phase.PRE, quiz, ability, first.starts_at, trainer)
            event.pre_test_open, event.post_test_open = False, True
            if draw < SHARE_POST_ONLY or draw >= SHARE_POST_ONLY + SHARE_PRE_ONLY:
                record(rng, event, participant, Phase.POST, quiz, ability, last.ends_at - timedelta(hours=1), trainer)
        event.pre_test_open = event.post_test_open = False
    db.session.flush()
    return quiz
