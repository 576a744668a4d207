"""Page boilerplate that scrapers leave in article text: comment forms, "Read Also:" links,
advertisement markers, share lines, author bios, newsletter boxes (some in Spanish/Portuguese, as
under the seeds). Written from scratch here; added to clean and garbled documents alike so a scorer
learns boilerplate as its own family, not as garbling.
"""
FIRST = ["James", "Maria", "David", "Sarah", "Ahmed", "Laura", "Peter", "Chen", "Olga", "Daniel", "Priya", "Tom"]
LAST = ["Walker", "Hughes", "Okafor", "Moreno", "Lindqvist", "Patel", "Novak", "Brennan", "Tanaka", "Fischer"]
SITES = ["Daily Herald", "NewsNow", "The Post Online", "WorldWire", "Metro Times", "Global Insider", "TopStory24"]

COMMENT_FORMS = [
    ["Leave a Reply", "Your email address will not be published. Required fields are marked *", "Comment",
     "Name *", "Email *", "Website", "Save my name, email, and website in this browser for the next time I comment.",
     "Post Comment"],
    ["Leave a Reply Cancel reply", "You must be logged in to post a comment."],
    ["Deja una respuesta Cancelar la respuesta", "Tu dirección de correo electrónico no será publicada. "
     "Los campos obligatorios están marcados con *", "Comentario", "Nombre *", "Correo electrónico *", "Web",
     "Guarda mi nombre, correo electrónico y web en este navegador para la próxima vez que comente.",
     "Publicar el comentario"],
    ["Deixe um comentário Cancelar resposta", "O seu endereço de e-mail não será publicado. "
     "Campos obrigatórios são marcados com *", "Comentário", "Nome *", "E-mail *", "Site"],
    ["0 Comments", "Add a comment...", "Facebook Comments Plugin"],
    ["Comments are closed."],
]
SHARE = ["Share this:", "Share on Facebook Share on Twitter", "Facebook Twitter WhatsApp Telegram Email",
         "Share Tweet Pin Email", "Click to share on Twitter (Opens in new window)", "Like this: Like Loading...",
         "SHARE", "Tweet", "Print"]
ADS = ["- Advertisement -", "Advertisement", "ADVERTISEMENT", "Scroll to continue with content", "Sponsored",
       "Continue Reading Below", "Story continues below advertisement"]
MISC = ["Show More", "Load more", "Related Posts", "You may also like", "Trending Now", "Most Popular",
        "Previous article", "Next article", "Subscribe to our newsletter", "Sign up for our daily newsletter",
        "Enter your email address", "Subscribe", "Cookies help us deliver our services. By using our services, "
        "you agree to our use of cookies.", "Accept", "Skip to content", "Home » News » World",
        "Follow us on Google News", "Join our WhatsApp channel"]
BIOS = ["{f} {l} is a staff writer at {s} covering politics and international affairs.",
        "About the author: {f} {l} has been reporting for {s} since 2015. Follow {f} on Twitter.",
        "{f} {l} is a freelance journalist based in London. View all posts by {f} {l}",
        "Written by {f} {l} | Editor: {f2} {l2}",
        "By {f} {l}, {s}"]
FOOT = ["Copyright © {y} {s}. All rights reserved.", "© {y} {s} | Privacy Policy | Terms of Use | Contact Us",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "Tags: {t1} {t2} {t3}", "Filed under: {t1}", "Posted in {t1} | Tagged {t2}, {t3}",
        "Photo: {s}", "(Source: {s})"]


def headline(text, rng):
    words = text.split()
    k = rng.randint(6, 11)
    h = " ".join(words[:k]).rstrip(",.;:")
    return h[:1].upper() + h[1:]


def add(text, rng, other_texts):
    """Return text with 2-6 boilerplate blocks at the top, in between paragraphs and at the end."""
    pars = text.split("\n")
    name = dict(f=rng.choice(FIRST), l=rng.choice(LAST), f2=rng.choice(FIRST), l2=rng.choice(LAST),
                s=rng.choice(SITES), y=rng.randint(2012, 2024))
    topics = [w.strip(".,;:\"'").capitalize() for w in text.split() if len(w) > 6][:20] or ["News"]
    name.update(t1=rng.choice(topics), t2=rng.choice(topics), t3=rng.choice(topics))
    top, mid, end = [], [], []
    if rng.random() < 0.4:
        top.append(rng.choice(MISC[-6:] + SHARE[:3]))
    if rng.random() < 0.35:
        top.append(rng.choice(BIOS[-2:]).format(**name))
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.45:
            mid.append(rng.choice(ADS))
        elif r < 0.8 and other_texts:
            mid.append(rng.choice(["Read Also: ", "READ ALSO: ", "Also Read: ", "Related: ", "See also: "])
                       + headline(rng.choice(other_texts), rng))
        else:
            mid.append(rng.choice(SHARE))
    kinds = rng.sample(["share", "bio", "foot", "misc", "comments"], rng.randint(1, 3))
    for k in kinds:
        if k == "share":
            end.append(rng.choice(SHARE))
        elif k == "bio":
            end.append(rng.choice(BIOS).format(**name))
        elif k == "foot":
            end.append(rng.choice(FOOT).format(**name))
        elif k == "misc":
            end.extend(rng.sample(MISC, rng.randint(1, 3)))
        else:
            end.extend(rng.choice(COMMENT_FORMS))
    for m in mid:
        pars.insert(rng.randint(1, max(1, len(pars))), m)
    return "\n".join(top + pars + end)
