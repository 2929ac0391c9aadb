// The reports (GET /api/orgs/{org}/reports): only the sections the viewer may see.
import { pb, type Role, type UserType } from './api'
import type { ReportSection } from './settings'

export interface Report {
  sections: ReportSection[]
  generatedAt: string
  seats?: {
    currency: string
    seats: number
    monthlyAmount: number
    byUserType: Record<string, number>
    points: { date: string; seats: number; monthlyAmount: number }[]
  }
  members?: {
    total: number
    byRole: Record<string, number>
    byUserType: Record<string, number>
    byStatus: Record<string, number>
    partnerAccess: number
    breakdown: { role: Role; userType: UserType; status: string; count: number }[]
  }
  signins?: {
    members: number
    last7Days: number
    last30Days: number
    last90Days: number
    inactive: number
    neverSignedIn: number
  }
  credits?: {
    budgeting: boolean
    pool: number
    allocated: number
    used: number
    unallocated: number
    poolAllocated: number
    poolLeft: number
    unlimitedMembers: number
    byUserType: Record<string, { members: number; allocated: number; used: number; unlimited: number }>
  }
  invitations?: { days: number; sent: number; accepted: number; expired: number; revoked: number; pending: number }
}

export const getReports = (org: string) => pb.send<Report>(`/api/orgs/${encodeURIComponent(org)}/reports`, {})

// A bar of a chart: its label and value.
export interface Bar {
  label: string
  value: number
}
