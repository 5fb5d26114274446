"""The reference lists every installation starts with (English, Khmer)."""

EVENT_TYPES = [
    ("awareness", "Awareness raising event", "ព្រឹត្តិការណ៍លើកកម្ពស់ការយល់ដឹង"),
    ("training", "Training", "វគ្គបណ្តុះបណ្តាល"),
    ("workshop", "Workshop", "សិក្ខាសាលា"),
    ("informant", "Informant discussion", "កិច្ចពិភាក្សាជាមួយអ្នកផ្តល់ព័ត៌មាន"),
    ("online_safety", "Online safety session", "វគ្គសុវត្ថិភាពតាមអ៊ីនធឺណិត"),
    ("guest_speaker", "Guest speaking at a government-led event", "ការចូលរួមជាវាគ្មិនកិត្តិយសក្នុងព្រឹត្តិការណ៍ដឹកនាំដោយរដ្ឋាភិបាល"),
]

TARGET_GROUPS = [
    ("taxi_driver", "Taxi and tuk-tuk drivers", "អ្នកបើកបរតាក់ស៊ី និងរ៉ឺម៉ក"),
    ("hotel_staff", "Hotel staff", "បុគ្គលិកសណ្ឋាគារ"),
    ("cook", "Cooks", "ចុងភៅ"),
    ("tour_guide", "Tour guides", "មគ្គុទ្ទេសក៍ទេសចរណ៍"),
    ("police", "Police officers", "មន្ត្រីនគរបាល"),
    ("local_authority", "Local authorities", "អាជ្ញាធរមូលដ្ឋាន"),
    ("student", "Students", "សិស្ស"),
    ("university_student", "University students", "និស្សិតសាកលវិទ្យាល័យ"),
    ("villager", "Villagers", "អ្នកភូមិ"),
    ("ngo_staff", "NGO staff", "បុគ្គលិកអង្គការមិនមែនរដ្ឋាភិបាល"),
]

PROVINCES = [
    ("phnom_penh", "Phnom Penh", "ភ្នំពេញ"),
    ("banteay_meanchey", "Banteay Meanchey", "បន្ទាយមានជ័យ"),
    ("battambang", "Battambang", "បាត់ដំបង"),
    ("kampong_cham", "Kampong Cham", "កំពង់ចាម"),
    ("kampong_chhnang", "Kampong Chhnang", "កំពង់ឆ្នាំង"),
    ("kampong_speu", "Kampong Speu", "កំពង់ស្ពឺ"),
    ("kampong_thom", "Kampong Thom", "កំពង់ធំ"),
    ("kampot", "Kampot", "កំពត"),
    ("kandal", "Kandal", "កណ្តាល"),
    ("kep", "Kep", "កែប"),
    ("koh_kong", "Koh Kong", "កោះកុង"),
    ("kratie", "Kratie", "ក្រចេះ"),
    ("mondulkiri", "Mondulkiri", "មណ្ឌលគិរី"),
    ("oddar_meanchey", "Oddar Meanchey", "ឧត្តរមានជ័យ"),
    ("pailin", "Pailin", "ប៉ៃលិន"),
    ("preah_sihanouk", "Preah Sihanouk", "ព្រះសីហនុ"),
    ("preah_vihear", "Preah Vihear", "ព្រះវិហារ"),
    ("prey_veng", "Prey Veng", "ព្រៃវែង"),
    ("pursat", "Pursat", "ពោធិ៍សាត់"),
    ("ratanakiri", "Ratanakiri", "រតនគិរី"),
    ("siem_reap", "Siem Reap", "សៀមរាប"),
    ("stung_treng", "Stung Treng", "ស្ទឹងត្រែង"),
    ("svay_rieng", "Svay Rieng", "ស្វាយរៀង"),
    ("takeo", "Takeo", "តាកែវ"),
    ("tbong_khmum", "Tbong Khmum", "ត្បូងឃ្មុំ"),
]
