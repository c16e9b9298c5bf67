"""What each column asks (SAFe's guiding questions) and what the scale means in it, for the
voting page. Words only; the numbers' rules are in consensus.py."""

from scoring.wsjf import SCALE

GUIDING_QUESTIONS = {
    "user_business_value": [
        "What is the relative value to the customer or the business?",
        "Do users prefer this over that? What is the revenue impact on the business?",
        "Is there a potential penalty or other negative impact if we delay?",
    ],
    "time_criticality": [
        "How does the user or business value decay over time?",
        "Is there a fixed deadline? Will they wait for us or move to another solution?",
        "Are there milestones on the critical path impacted by this?",
        "What is the current effect on customer satisfaction?",
    ],
    "risk_reduction": [
        "What is the value of reducing the risk of this delivery or of future deliveries?",
        "Is there value in the information we will receive?",
        "Will this feature enable new business opportunities?",
    ],
    "job_size": [
        "How big is it compared with the others: the time and effort to deliver it?",
        "Job Size is a proxy for duration: what can the train deliver soonest?",
    ],
}

# The ends of the scale in each column: 1 is the smallest of this set, 20 the largest.
SCALE_ENDS = {
    "user_business_value": ("least value of these", "most value of these"),
    "time_criticality": ("can wait the longest", "most urgent"),
    "risk_reduction": ("least risk reduced or opportunity opened", "most risk reduced or opportunity opened"),
    "job_size": ("smallest job", "largest job"),
}


def scale_words(column: str) -> list[tuple[int, str]]:
    """The scale with words at its ends, e.g. [(1, "least value of these"), (2, ""), ...]."""
    low, high = SCALE_ENDS.get(column, ("smallest", "largest"))
    return [(value, low if value == SCALE[0] else high if value == SCALE[-1] else "") for value in SCALE]
