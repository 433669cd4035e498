"""The 100-point framework of QD366 (§5: AR-14..AR-16). Scores are integer tenths (`*_x10`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from .common import Level, RatingInputError, SubjectType

GENERAL_MAX_X10 = 300
TASKS_MAX_X10 = 700
TOTAL_MAX_X10 = GENERAL_MAX_X10 + TASKS_MAX_X10

EXCELLENT_MIN_X10 = 900
GOOD_MIN_X10 = 700
COMPLETED_MIN_X10 = 500


@dataclass(frozen=True)
class Score:
    """AR-14: general group 0-30 plus task-results group 0-70; out-of-range values are rejected.

    A score known only as a total is stored with `general_x10=None`.
    """

    total_x10: int
    general_x10: int | None = None
    tasks_x10: int | None = None

    def __post_init__(self) -> None:
        if self.general_x10 is not None and not 0 <= self.general_x10 <= GENERAL_MAX_X10:
            raise RatingInputError("score.general", "phải từ 0 đến 30", "must be between 0 and 30")
        if self.tasks_x10 is not None and not 0 <= self.tasks_x10 <= TASKS_MAX_X10:
            raise RatingInputError("score.tasks", "phải từ 0 đến 70", "must be between 0 and 70")
        if not 0 <= self.total_x10 <= TOTAL_MAX_X10:
            raise RatingInputError("score", "phải từ 0 đến 100", "must be between 0 and 100")
        if (
            self.general_x10 is not None
            and self.tasks_x10 is not None
            and self.general_x10 + self.tasks_x10 != self.total_x10
        ):
            raise RatingInputError("score", "tổng điểm không khớp", "total does not match its groups")

    @classmethod
    def of_groups(cls, general_x10: int, tasks_x10: int) -> Score:
        """AR-14: total = general group + task-results group."""
        return cls(general_x10 + tasks_x10, general_x10, tasks_x10)


def band_of(total_x10: int) -> Level:
    """The level whose band contains the total (AR-17, AR-19, AR-20, AR-21)."""
    if total_x10 >= EXCELLENT_MIN_X10:
        return Level.EXCELLENT
    if total_x10 >= GOOD_MIN_X10:
        return Level.GOOD
    if total_x10 >= COMPLETED_MIN_X10:
        return Level.COMPLETED
    return Level.NOT_COMPLETED


class Group(Enum):
    GENERAL = "general"
    TASKS = "tasks"


@dataclass(frozen=True)
class Criterion:
    code: str
    group: Group
    max_x10: int
    title_vi: str = ""


@dataclass(frozen=True)
class Template:
    """AR-15: the criteria of each group, versioned per issuing committee and form."""

    issuer: str
    version: int
    form: str
    criteria: tuple[Criterion, ...]

    def group_max_x10(self, group: Group) -> int:
        return sum(c.max_x10 for c in self.criteria if c.group is group)


def template_problems(template: Template) -> list[str]:
    """AR-15: a template is valid only if its maxima sum to exactly 30 and 70; codes are unique."""
    problems: list[str] = []
    general = template.group_max_x10(Group.GENERAL)
    tasks = template.group_max_x10(Group.TASKS)
    if general != GENERAL_MAX_X10:
        problems.append(f"general group maxima sum to {general} tenths, not {GENERAL_MAX_X10}")
    if tasks != TASKS_MAX_X10:
        problems.append(f"task group maxima sum to {tasks} tenths, not {TASKS_MAX_X10}")
    codes = [c.code for c in template.criteria]
    if len(set(codes)) != len(codes):
        problems.append("criterion codes are not unique")
    if any(c.max_x10 <= 0 for c in template.criteria):
        problems.append("every criterion needs a positive maximum")
    return problems


def score_by_template(template: Template, points_x10: Mapping[str, int]) -> Score:
    """AR-14, AR-15: each criterion scored within 0..its maximum; every criterion scored once."""
    if template_problems(template):
        raise RatingInputError("template", "mẫu tiêu chí không hợp lệ", "invalid criteria template")
    known = {c.code: c for c in template.criteria}
    for code in points_x10:
        if code not in known:
            raise RatingInputError(f"criteria.{code}", "tiêu chí không có trong mẫu", "not in the template")
    general = tasks = 0
    for criterion in template.criteria:
        if criterion.code not in points_x10:
            raise RatingInputError(f"criteria.{criterion.code}", "chưa chấm điểm", "not scored")
        value = points_x10[criterion.code]
        if not 0 <= value <= criterion.max_x10:
            raise RatingInputError(
                f"criteria.{criterion.code}",
                f"phải từ 0 đến {criterion.max_x10 / 10:g}",
                f"must be between 0 and {criterion.max_x10 / 10:g}",
            )
        if criterion.group is Group.GENERAL:
            general += value
        else:
            tasks += value
    return Score.of_groups(general, tasks)


_GENERAL_DEFAULT: Sequence[tuple[str, int, str]] = (
    ("politics_ethics", 150, "Phẩm chất chính trị, đạo đức, lối sống, trách nhiệm nêu gương"),
    ("innovation", 50, "Tư duy đổi mới, sáng tạo"),
    ("self_criticism", 100, "Tự phê bình, phê bình và khắc phục hạn chế, khuyết điểm đã chỉ ra"),
)


def default_template(subject_type: SubjectType, *, issuer: str = "default", version: int = 1) -> Template:
    """AR-16: the default content of the groups (configurable; the split of points is ours)."""
    general = tuple(Criterion(code, Group.GENERAL, pts, title) for code, pts, title in _GENERAL_DEFAULT)
    tasks: tuple[Criterion, ...]
    if subject_type is SubjectType.COLLECTIVE:
        tasks = (
            Criterion(
                "resolutions_targets",
                Group.TASKS,
                500,
                "Kết quả thực hiện nghị quyết, chỉ tiêu theo sản phẩm, tiến độ, chất lượng hoặc KPI",
            ),
            Criterion(
                "subordinate_ratings",
                Group.TASKS,
                200,
                "Kết quả đánh giá, xếp loại các đơn vị, tổ chức, cá nhân trực thuộc có liên quan trực tiếp",
            ),
        )
        form = "01"
    else:
        tasks = (Criterion("task_results", Group.TASKS, 700, "Kết quả thực hiện nhiệm vụ được giao"),)
        form = {
            SubjectType.LEADER_CENTRAL: "2A",
            SubjectType.LEADER: "2A",
            SubjectType.NON_LEADER: "2B",
            SubjectType.MEMBER_OUTSIDE: "2C",
        }[subject_type]
    return Template(issuer, version, form, general + tasks)
