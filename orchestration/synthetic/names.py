"""Word lists for synthetic people, staff, streets, providers and case notes (all invented)."""
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
    "Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle "
    "Kenneth Carol Kevin Amanda Brian Melissa Timothy Deborah Ronald Stephanie Jason Dorothy George "
    "Rebecca Edward Sharon Jeffrey Laura Ryan Cynthia Jacob Amy Gary Kathleen Nicholas Angela Eric "
    "Shirley Jonathan Brenda Stephen Emma Larry Anna Justin Pamela Scott Nicole Brandon Samantha "
    "Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet "
    "Raymond Maria Jack Olivia Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie "
    "Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan "
    "Noah Virginia Ethan Judith Jeremy Evelyn Christian Hannah Walter Andrea Keith Megan Austin "
    "Cheryl Roger Jacqueline Terry Madison Sean Teresa Gerald Abigail Carl Sophia Dylan Martha "
    "Harold Sara Jordan Gloria Jesse Janice Bryan Kathryn Lawrence Ann Arthur Isabella Gabriel Judy "
    "Bruce Charlotte Logan Julia Billy Grace Joe Amber Alan Alice Juan Jean Elijah Denise Willie "
    "Frances Albert Danielle Wayne Marilyn Randy Natalie Mason Beverly Vincent Diana Liam Brittany "
    "Roy Theresa Bobby Kayla Caleb Alexis Bradley Doris Russell Lori Lucas Tiffany Keisha Tamika "
    "Jamal DeShawn Aaliyah Imani Darnell Latoya Malik Jasmine Tyrone Ebony Marcus Monique Andre "
    "Shanice Carlos Lucia Miguel Sofia Luis Camila Jorge Valentina Pedro Ximena Alejandro Guadalupe"
).split()

LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders "
    "Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler "
    "Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton "
    "Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina "
    "Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington "
    "Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter "
    "Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black"
).split()

STREETS = (
    "MAIN ST", "CHAPEL HILL ST", "FAYETTEVILLE ST", "ROXBORO ST", "ALSTON AVE", "DRIVER ST",
    "HOLLOWAY ST", "ANGIER AVE", "PETTIGREW ST", "GREGSON ST", "DUKE ST", "BUCHANAN BLVD",
    "BROAD ST", "HILLANDALE RD", "GUESS RD", "CARVER ST", "DUKE HOMESTEAD RD", "MIDLAND TER",
    "LAWSON ST", "CORNWALLIS RD", "UNIVERSITY DR", "MLK JR PKWY", "HOPE VALLEY RD", "SOUTH ST",
    "RIDDLE RD", "LIBERTY ST", "GEER ST", "MANGUM ST", "FOSTER ST", "CLEVELAND ST", "ELM ST",
    "WASHINGTON ST", "LAKEWOOD AVE", "CHURCH ST", "MORREENE RD", "GARRETT RD", "CAMDEN AVE",
    "WELLONS VILLAGE", "NC 55 HWY", "NEAL RD", "MERRICK ST", "DEARBORN DR", "GLENN RD",
    "WEAVER ST", "AVONDALE DR", "KNOX ST", "RUBY ST", "FARGO ST", "SHERWOOD DR", "WAKE FOREST HWY",
)

PROVIDERS = {
    "MENTAL_HEALTH": ("Piedmont Behavioral Clinic", "Bull City Counseling", "Eno River Mental Health"),
    "SUBSTANCE_USE": ("Freedom House Recovery", "Triangle Treatment Services", "Lakeview Recovery"),
    "MEDICAL": ("Lincoln Community Health Center", "Durham Urgent Care", "Project Access"),
    "CRISIS_LINE": ("988 Suicide & Crisis Lifeline",),
    "HOUSING": ("Urban Ministries Shelter", "Housing for New Hope", "Families Moving Forward"),
    "FOOD": ("Community Food Pantry", "Meals on Wheels", "Open Table Kitchen"),
    "BENEFITS": ("County Social Services", "Benefits Navigator Desk"),
    "CASE_MANAGEMENT": ("Alliance Care Coordination", "Community Case Management Team"),
    "PEER_SUPPORT": ("Recovery Community Peer Group", "NAMI Family Support"),
    "LEGAL": ("Legal Aid of the Piedmont", "Expungement Clinic"),
    "DOMESTIC_VIOLENCE": ("Family Violence Advocacy Center", "Safe Housing Hotline"),
}

DESTINATION_NAMES = {
    "HOSPITAL_ED": ("Regional Medical Center ED", "University Hospital ED"),
    "PSYCH_HOSPITAL": ("Riverside Psychiatric Hospital",),
    "BH_URGENT_CARE": ("Behavioral Health Urgent Care",),
    "RECOVERY_CENTER": ("Recovery Response Center", "Sobering Center"),
    "DETOX": ("County Detox Unit",),
    "SHELTER": ("Urban Ministries Shelter", "Women's Shelter"),
    "HOME": ("Residence",),
    "FAMILY_FRIENDS": ("Family member's home", "Friend's home"),
    "FOOD": ("Community food pantry", "Downtown meal site"),
    "OTHER": ("Other location",),
}

NOTE_TEMPLATES = (
    "Team arrived and spoke with client about current needs. Client calm and cooperative.",
    "Client reported feeling overwhelmed; team provided de-escalation and safety planning.",
    "Met client outside business; discussed shelter options and offered transport.",
    "Caller concerned about neighbor; team completed wellness check, client declined services.",
    "Client experiencing housing instability; referral made and follow-up scheduled.",
    "Client intoxicated but responsive; team stayed until a family member arrived.",
    "Clinician completed brief assessment by phone; client agreed to outpatient appointment.",
    "Client could not be located at the address given; area canvassed.",
    "Team provided water, snacks and hygiene kit; client requested food resources.",
    "Client disclosed recent loss of employment; benefits information shared.",
)
