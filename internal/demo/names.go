package demo

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Name pools. French and English names dominate, with accents where they belong, and a
// few other European ones so that search and sorting meet ø, ß, ł and friends. The pools
// are large enough that full-name collisions stay rare, and small enough that a search
// for "helene" finds a crowd.
var (
	frenchGiven = []string{
		"Hélène", "François", "Françoise", "Anaïs", "Zoé", "Chloé", "Léa", "Léo", "Noémie", "Maëlle",
		"Mathéo", "Raphaël", "Gaël", "Joël", "Noël", "Loïc", "Aurélie", "Amélie", "Cécile", "Céline",
		"Élodie", "Émilie", "Émile", "Étienne", "Éric", "Gérard", "Jérôme", "Jérémie", "Sébastien", "Stéphane",
		"Stéphanie", "Frédéric", "Frédérique", "Valérie", "Véronique", "Mélanie", "Océane", "Inès", "Agnès", "Thérèse",
		"Benoît", "Clément", "Clémence", "Hervé", "Rémi", "André", "Renée", "René", "Dorothée", "Bérénice",
		"Aimée", "Anaëlle", "Maïa", "Héloïse", "Éloïse", "Gaëtan", "Ophélie", "Pénélope", "Salomé", "Timothée",
		"Théo", "Jérémy", "Ève", "Léna", "Léonie", "Lucie", "Louis", "Louise", "Camille", "Manon",
		"Julien", "Julie", "Nicolas", "Pierre", "Marie", "Sophie", "Antoine", "Thomas", "Guillaume", "Baptiste",
		"Margaux", "Mathilde", "Juliette", "Hugo", "Lucas", "Adrien", "Alexandre", "Arnaud", "Bastien", "Bernard",
		"Brigitte", "Catherine", "Christophe", "Claire", "Corinne", "Damien", "Delphine", "Didier", "Dominique", "Emmanuel",
		"Fabien", "Fabrice", "Florence", "Florian", "Gilles", "Henri", "Isabelle", "Jacques", "Jean", "Jeanne",
		"Laurent", "Laure", "Lionel", "Madeleine", "Marc", "Martine", "Maxime", "Michel", "Michèle", "Nathalie",
		"Olivier", "Pascal", "Patrick", "Philippe", "Quentin", "Romain", "Sandrine", "Simone", "Sylvie", "Thibault",
		"Vincent", "Yves", "Noé", "Maëva", "Jean-Baptiste", "Marie-Hélène", "Anne-Sophie", "Pierre-Étienne", "Ségolène", "Bénédicte",
	}
	englishGiven = []string{
		"Oliver", "Amelia", "Olivia", "Harry", "Jack", "George", "Noah", "Charlie", "Jacob", "Alfie",
		"Freddie", "Oscar", "Archie", "Henry", "Isla", "Ava", "Emily", "Sophia", "Grace", "Lily",
		"Ella", "Mia", "Isabella", "Poppy", "James", "William", "Daniel", "Samuel", "Joseph", "David",
		"Michael", "Matthew", "Andrew", "Christopher", "Benjamin", "Ethan", "Liam", "Mason", "Logan", "Caleb",
		"Ryan", "Nathan", "Dylan", "Owen", "Connor", "Seán", "Siobhán", "Niamh", "Aoife", "Saoirse",
		"Ciarán", "Róisín", "Éamon", "Emma", "Hannah", "Abigail", "Madison", "Chloë", "Zoë", "Natalie",
		"Sarah", "Jessica", "Rebecca", "Laura", "Rachel", "Megan", "Lauren", "Katie", "Eleanor", "Charlotte",
		"Alice", "Evie", "Freya", "Ivy", "Ruby", "Scarlett", "Sienna", "Harper", "Evelyn", "Brooke",
		"Victoria", "Elizabeth", "Margaret", "Susan", "Karen", "Linda", "Barbara", "Patricia", "Jennifer", "Helen",
		"Helena", "Renée", "Edward", "Arthur", "Theodore", "Frederick", "Hugh", "Rhys", "Dafydd", "Siân",
	}
	otherGiven = []string{
		"Björn", "Søren", "Åsa", "Jürgen", "José", "Inés", "Ramón", "Łukasz", "Helene", "Märta",
		"Joaquín", "Sofía", "Núria", "Jesús", "Ståle", "Zoë", "Małgorzata", "Dorothée", "Mónica", "Ångela",
	}
	frenchFamily = []string{
		"Garçon", "Lefèvre", "Dupré", "Dupont", "Durand", "Martin", "Bernard", "Petit", "Robert", "Richard",
		"Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
		"Fournier", "Girard", "Bonnet", "Lambert", "Fontaine", "Rousseau", "Vincent", "Mercier", "Boyer", "Blanc",
		"Guérin", "Faure", "André", "Gauthier", "Chevalier", "François", "Legrand", "Garnier", "Perrin", "Robin",
		"Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gérard", "Masson", "Marchand", "Duval",
		"Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud",
		"Joly", "Rivière", "Brunet", "Gaillard", "Barbier", "Arnaud", "Roche", "Renard", "Schmitt", "Roy",
		"Leroux", "Colin", "Vidal", "Caron", "Picard", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
		"Lacroix", "Bourgeois", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Lecomte", "Dupuy", "Hubert",
		"Berger", "Carpentier", "Hébert", "Lévêque", "Ménard", "Séguin", "Thérien", "Vézina", "Côté", "Bélanger",
		"Bérubé", "Gagné", "Lévesque", "Pelletier", "Ouellet", "Beaulieu", "Desjardins", "Géraud", "Le Gall", "Saint-Martin",
		"D'Amours", "Lefèbvre", "Béranger", "Crépin", "Débois", "Frémont", "Gréco", "Hélias", "Jégou", "Ledoux",
		"Mallet", "Pâris", "Prévost", "Quéré", "Rémond", "Sénéchal", "Tétreault", "Vallée", "Besançon", "Caillé",
	}
	englishFamily = []string{
		"Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
		"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
		"Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Cooper", "Hill", "Ward",
		"Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James",
		"Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell",
		"Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller",
		"Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Wilkinson",
		"Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain",
		"Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler",
		"Russell", "Fisher", "Stevens", "Jenkins", "O'Brien", "O'Connor", "O'Neill", "McDonald", "MacLeod", "Brontë",
		"Doyle", "Byrne", "Walsh", "Quinn", "Ó Súilleabháin", "Fitzgerald", "Llewellyn", "Pryce", "Ní Bhriain", "Sutherland",
	}
	otherFamily = []string{
		"Müller", "Schröder", "Björk", "Jørgensen", "Åström", "Núñez", "García", "Sánchez", "Kowalski", "Wiśniewski",
		"Nguyễn", "Çelik", "Öztürk", "Dvořák", "Novák", "Weiß", "Løvland", "Łukaszewicz", "Gößling", "Šimić",
	}
)

// jobs are short profile descriptions, per language.
var jobs = map[string][]string{
	"fr": {"Cartographe", "Chargée d'études SIG", "Géomaticien", "Responsable des données", "Urbaniste",
		"Hydrologue", "Analyste territoriale", "Cheffe de projet", "Technicien terrain", "Développeur web",
		"Géomètre", "Chargé de mission environnement", "Responsable du pôle études", "Stagiaire SIG"},
	"en": {"GIS analyst", "Cartographer", "Data manager", "Urban planner", "Field technician",
		"Project manager", "Software developer", "Hydrologist", "Remote sensing specialist", "Surveyor",
		"Environmental consultant", "Head of research", "GIS intern"},
}

// fold turns a name into the ASCII a username or an address may hold: accents removed,
// letters with no decomposition spelled out, spaces and hyphens kept as "-", the rest
// (apostrophes…) dropped. "Ó Súilleabháin" → "o-suilleabhain", "O'Brien" → "obrien".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteString(spelled[r])
		}
	}
	return strings.Trim(b.String(), "-")
}

// spelled covers the letters NFD leaves whole.
var spelled = map[rune]string{
	'ø': "o", 'æ': "ae", 'œ': "oe", 'ß': "ss", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
}
