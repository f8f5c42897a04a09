"""Outlet names as the sources spell them, normalised to one name each, and the outlet groups."""

NORMALISE = {
    "CNN (Web News)": "CNN", "edition.cnn.com": "CNN", "CNN - Editorial": "CNN",
    "Fox News": "Fox News", "Fox Online News": "Fox News", "Fox News (Online)": "Fox News", "www.foxnews.com": "Fox News",
    "New York Times - News": "The New York Times", "New York Times - Opinion": "The New York Times",
    "www.nytimes.com": "The New York Times",
    "Washington Post": "The Washington Post", "www.washingtonpost.com": "The Washington Post",
    "reuters": "Reuters", "Reuters": "Reuters",
    "Associated Press": "Associated Press", "The Guardian": "The Guardian", "www.theguardian.com": "The Guardian",
    "BBC News": "BBC News", "www.bbc.com": "BBC News", "NPR Online News": "NPR", "www.npr.org": "NPR",
    "USA TODAY": "USA Today", "Newsmax - News": "Newsmax", "Newsmax - Opinion": "Newsmax",
    "www.huffingtonpost.com": "HuffPost", "www.dailymail.co.uk": "Daily Mail", "www.thesun.co.uk": "The Sun",
    "www.telegraph.co.uk": "The Telegraph", "www.independent.co.uk": "The Independent",
    "www.rt.com": "RT", "www.chinadaily.com.cn": "China Daily", "africa.chinadaily.com.cn": "China Daily",
    "europe.chinadaily.com.cn": "China Daily", "usa.chinadaily.com.cn": "China Daily",
    "sana": "SANA", "sputnik": "Sputnik", "manar": "Al-Manar", "alalam": "Al-Alam", "trt": "TRT", "tass": "TASS",
    "ahram": "Al-Ahram", "alaraby": "Al-Araby", "dailysabah": "Daily Sabah", "etilaf": "Etilaf",
    "jordantimes": "Jordan Times", "arabiya": "Al Arabiya", "nna": "NNA", "asharqalawsat": "Asharq Al-Awsat",
}

# The outlets the real-news issue names as state-aligned; every other outlet is "other".
STATE_ALIGNED = {"Tehran Times", "SANA", "Sputnik", "Al-Manar", "Al-Alam", "TRT", "RT", "China Daily", "TASS"}


def normalise(outlet: str) -> str:
    return NORMALISE.get(outlet, outlet)


def group(outlet: str) -> str:
    return "state-aligned" if normalise(outlet) in STATE_ALIGNED else "other"
