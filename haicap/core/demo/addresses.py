"""House-number-and-street or village parts of demo addresses in the new Đà Nẵng.

Wards get a house number on one of their real streets, often down a "kiệt" (K12/5 — the word
Đà Nẵng and Quảng Nam use for an alley, "hẻm" further south); communes get a village (thôn) and
wards on the edge of town a residential group (tổ dân phố). Street lists are real streets of the
ward's area as we know them; a ward we have no list for draws from streets every town has.
"""

import random

from haicap.core.text import fold

# Streets by the folded short name of the new ward (the old district's main streets).
STREETS_BY_WARD: dict[str, tuple[str, ...]] = {
    "hai chau": ("Bạch Đằng", "Trần Phú", "Lê Duẩn", "Hùng Vương", "Phan Châu Trinh", "Lê Lợi",
                 "Quang Trung", "Nguyễn Chí Thanh", "Hoàng Diệu", "Ông Ích Khiêm", "Pasteur",
                 "Yên Bái", "Lý Tự Trọng", "Nguyễn Thị Minh Khai", "Trần Quốc Toản"),
    "hoa cuong": ("Núi Thành", "Trưng Nữ Vương", "2 Tháng 9", "Nguyễn Hữu Thọ", "Xô Viết Nghệ Tĩnh",
                  "Lê Thanh Nghị", "Duy Tân", "Phan Đăng Lưu", "Nguyễn Văn Linh", "Tiểu La"),
    "thanh khe": ("Điện Biên Phủ", "Hà Huy Tập", "Lê Độ", "Hàm Nghi", "Trần Cao Vân",
                  "Hải Phòng", "Kỳ Đồng", "Thái Thị Bôi", "Huỳnh Ngọc Huệ", "Lý Thái Tổ"),
    "an khe": ("Nguyễn Tất Thành", "Điện Biên Phủ", "Hà Huy Tập", "Trường Chinh", "Hàm Nghi",
               "Dũng Sĩ Thanh Khê", "Phan Thanh", "Trần Xuân Lê"),
    "an hai": ("Ngô Quyền", "Phạm Văn Đồng", "Hồ Nghinh", "Nguyễn Công Trứ", "Lê Văn Duyệt",
               "Trần Hưng Đạo", "Võ Văn Kiệt", "Ngô Thì Sĩ"),
    "son tra": ("Võ Nguyên Giáp", "Ngô Quyền", "Yết Kiêu", "Vân Đồn", "Hoàng Sa", "Lê Đức Thọ",
                "Trần Quang Khải", "Nguyễn Phan Vinh"),
    "ngu hanh son": ("Lê Văn Hiến", "Ngũ Hành Sơn", "Trường Sa", "Huyền Trân Công Chúa",
                     "Mai Đăng Chơn", "Chương Dương", "Nguyễn Văn Thoại", "Võ Nguyên Giáp"),
    "hoa khanh": ("Tôn Đức Thắng", "Âu Cơ", "Nguyễn Lương Bằng", "Hoàng Văn Thái",
                  "Nguyễn Sinh Sắc", "Phạm Như Xương", "Lạc Long Quân"),
    "hai van": ("Nguyễn Văn Cừ", "Nguyễn Lương Bằng", "Hoàng Thị Loan", "Kinh Dương Vương"),
    "lien chieu": ("Nguyễn Tất Thành", "Kinh Dương Vương", "Ngô Thì Nhậm", "Nguyễn Sinh Sắc",
                   "Lạc Long Quân", "Hoàng Thị Loan"),
    "cam le": ("Ông Ích Đường", "Cách Mạng Tháng Tám", "Trường Chinh", "Lê Đại Hành",
               "Thăng Long", "Phạm Hùng", "Tôn Đản"),
    "hoa xuan": ("Nguyễn Phước Lan", "Võ Chí Công", "Minh Mạng", "Trần Nam Trung",
                 "Phạm Hùng", "Nguyễn Phan Chánh"),
    "hoi an": ("Trần Phú", "Nguyễn Thái Học", "Bạch Đằng", "Lê Lợi", "Phan Châu Trinh",
               "Hai Bà Trưng", "Trần Hưng Đạo", "Lý Thường Kiệt", "Nguyễn Duy Hiệu", "Hùng Vương"),
    "hoi an dong": ("Cửa Đại", "Lý Thường Kiệt", "Nguyễn Duy Hiệu", "Trần Hưng Đạo",
                    "Ngô Quyền", "Lạc Long Quân"),
    "hoi an tay": ("Hùng Vương", "Lý Thái Tổ", "Trần Nhân Tông", "Nguyễn Tất Thành",
                   "Huỳnh Thúc Kháng", "Thái Phiên"),
    "tam ky": ("Phan Chu Trinh", "Hùng Vương", "Phan Bội Châu", "Trần Cao Vân", "Nguyễn Hoàng",
               "Huỳnh Thúc Kháng", "Bạch Đằng", "Trần Hưng Đạo", "Duy Tân", "Lê Lợi"),
    "ban thach": ("Hùng Vương", "Nguyễn Văn Trỗi", "Trần Quý Cáp", "Lý Thường Kiệt",
                  "Tôn Đức Thắng"),
    "huong tra": ("Phan Bội Châu", "Tôn Đức Thắng", "Lê Lợi", "Nguyễn Văn Trỗi"),
    "quang phu": ("Nguyễn Văn Linh", "Trần Hưng Đạo", "Huỳnh Thúc Kháng", "Nguyễn Hoàng"),
}
COMMON_STREETS = ("Hùng Vương", "Trần Phú", "Lê Lợi", "Quang Trung", "Hai Bà Trưng",
                  "Lý Thường Kiệt", "Trần Hưng Đạo", "Nguyễn Trãi", "Phan Bội Châu",
                  "Nguyễn Huệ", "Lê Thánh Tông", "Nguyễn Tất Thành", "Huỳnh Thúc Kháng")

# Village names of the Quảng Nam countryside; many villages are simply numbered (Thôn 1 …).
VILLAGE_NAMES = ("Phú Thạnh", "Trung Phước", "An Tân", "Tây An", "Đông Bình", "Bình An",
                 "Hà Quảng", "Mỹ Sơn", "Phước Bình", "Thạch Bàn", "Xuân Hòa", "Tân Phú",
                 "Vĩnh An", "Phú Đông", "Lộc Thọ", "An Phước", "Thanh Tây", "Hòa Mỹ",
                 "Cẩm Sa", "Đại An", "Phú Sơn", "Trà Kiệu", "Châu Sơn", "Thạnh Mỹ")
RESIDENTIAL_GROUP_NAMES = ("Xuân Hòa", "Tân An", "Phước Lý", "Mỹ Thị", "Nghi An", "Thanh Vinh",
                           "An Trung", "Bàu Trảng", "Đông Hải", "Trung Lương", "Phú Mỹ")


def commune_key(short_name: str) -> str:
    """The folded short name ("Hội An Đông" → "hoi an dong") that keys the street lists."""
    return fold(short_name)


def house_number(rng: random.Random) -> str:
    number = rng.randint(1, 420)
    roll = rng.random()
    if roll < 0.35:
        # Down an alley (kiệt), sometimes a branch of it: K12/5, K45/7/3.
        alley = f"K{number}/{rng.randint(1, 60)}"
        return f"{alley}/{rng.randint(1, 20)}" if rng.random() < 0.2 else alley
    if roll < 0.45:
        return f"{number}{rng.choice('ABC')}"
    return str(number)


def street_address(rng: random.Random, *, commune_short_name: str, is_ward: bool) -> str:
    """The part of an address below the commune: "K12/5 Trần Cao Vân" or "Thôn Phú Thạnh"."""
    streets = STREETS_BY_WARD.get(commune_key(commune_short_name))
    if is_ward:
        if streets or rng.random() < 0.55:
            return f"{house_number(rng)} {rng.choice(streets or COMMON_STREETS)}"
        if rng.random() < 0.5:
            return f"Tổ dân phố {rng.choice(RESIDENTIAL_GROUP_NAMES)}"
        return f"Tổ {rng.randint(1, 40)}"
    if rng.random() < 0.45:
        return f"Thôn {rng.randint(1, 12)}"
    return f"Thôn {rng.choice(VILLAGE_NAMES)}"
